// Stream tasks are told the cores they asked for (docs/streams.md, "Threads"): they hold no
// core (so any number of them run), yet compss::this_task::computing_units() is their
// computing_units constraint, locally and on workers, so a body can size its own threads.
// (It was 1 wherever they ran.) The sequential build's computing_units() is 1.
//
//   e2e_stream_units
#include <compss/compss.hpp>

#include <cstdio>
#include <string>

#pragma compss task stream_out(s) constraint(computing_units=2)
void publish_units(compss::ObjectStream<unsigned>& s) {
  s.publish(compss::this_task::computing_units());
  s.close();
}

#pragma compss task stream_in(s) out(producer_told, consumer_told) constraint(computing_units=2)
void poll_units(compss::ObjectStream<unsigned>& s, unsigned& producer_told, unsigned& consumer_told) {
  consumer_told = compss::this_task::computing_units();
  producer_told = 0;
  while (!s.is_closed()) {
    for (unsigned u : s.poll(0.05)) producer_told = u;
  }
}

static void report(const char* who, unsigned told, unsigned asked) {
  std::printf("%s is told the cores it asked for: %s\n", who,
              told == asked ? "yes" : ("no, " + std::to_string(told)).c_str());
}

int main() {
#ifdef __COMPSS__
  const unsigned asked = 2;
#else
  const unsigned asked = 1;
#endif
  compss::ObjectStream<unsigned> units("units");
  unsigned producer_told = 0, consumer_told = 0;
  publish_units(units);
  poll_units(units, producer_told, consumer_told);
#pragma compss wait_on(producer_told, consumer_told)
  report("a stream_out task", producer_told, asked);
  report("a stream_in task", consumer_told, asked);
  return 0;
}
