// A stream task's result the program discards, lost with its worker (docs/streams.md;
// driven by stream_result_discarded.sh). `produce` publishes `count` elements, says how
// many in `published` and returns an exit code (as an external program's task does) that
// main never keeps: nobody can read it, so its loss with the producer's worker must not
// fail the run (a stream task cannot be run again for what it made). An ordinary task's
// discarded result (`checksum`) is lost with it too and must not be made again.
// The producer writes its process's pid (the worker to kill) once it has published
// everything. With STREAM_RESULT_WAIT_GO set, main, once the producer has ended (it waited
// for `published`, not for the discarded result), writes <dir>/ended and waits (bounded)
// until <dir>/go exists, so that the test kills the producer's worker while the result
// lives only there; then it squares each element on the workers and prints the sum.
//
//   e2e_stream_result_discarded <dir>
#include <compss/compss.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

constexpr long count = 40;

static void write_file(const std::string& path, const std::string& text) {
  const std::string part = path + ".part";
  { std::ofstream(part) << text; }
  std::filesystem::rename(part, path);  // (whole, or not there)
}

#pragma compss task stream_out(s) out(published)
int produce(compss::ObjectStream<long>& s, long& published, std::string dir) {
  published = 0;
  for (long i = 1; i <= count; ++i, ++published) s.publish(i);
  write_file(dir + "/producer.pid", std::to_string(::getpid()) + "\n");
  s.close();
  return 7;  // an exit code nobody keeps
}

#pragma compss task
long square(long v) { return v * v; }

#pragma compss task
long checksum(long published) { return published * 31; }

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_stream_result_discarded <dir>\n");
    return 2;
  }
  const std::string dir = std::filesystem::absolute(argv[1]).string();
  std::filesystem::create_directories(dir);
  compss::ObjectStream<long> s("discarded-result", compss::at_least_once, 64);
  long published = 0;
  produce(s, published, dir);  // its Future<int> is discarded at once
  std::vector<long> elements;
  while (!s.is_closed()) {
    for (long v : s.poll(0.05)) elements.push_back(v);
  }
  #pragma compss wait_on(published)
  checksum(published);  // discarded too: an ordinary task's result nobody reads
  if (std::getenv("STREAM_RESULT_WAIT_GO") != nullptr) {
    write_file(dir + "/ended", "\n");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(dir + "/go") && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::vector<compss::Future<long>> squares;
  for (long v : elements) squares.push_back(square(v));
  long sum = 0;
  for (auto& f : squares) sum += f.get();
  std::printf("published %ld, received %zu, sum of squares %ld\n", published, elements.size(), sum);
  return 0;
}
