// Streams when a worker is SIGKILLed (docs/streams.md, "Recovery when a worker dies"),
// driven by stream_faults.sh. One producer task publishes `count` elements into an
// at_least_once stream and an at_most_once one; one consumer task reads each. A consumer
// writes every element it handles to a file of <dir> (its side effect, as a Kafka
// consumer's output) and, once it has handled 50, its process's pid (the worker to kill).
// Its file also marks each attempt ("# attempt <pid>") and each poll's batch before its
// elements ("# poll <n>"): stream_faults.sh counts from them what an at_most_once consumer
// killed mid-batch may have lost.
// The producer writes its pid once it has published everything. With
// STREAM_FAULTS_WAIT_GO set, the producer holds its task open and the consumers wait
// before polling until <dir>/go exists (bounded), so the producer's worker can be killed
// while it holds every element and nobody fetched any.
//
// main prints, per stream, how many distinct elements its consumer's file holds, their
// sum, and how many it handled twice: every element at least once for at_least_once (its
// consumer's worker killed or not), and exactly once for at_most_once, with the producer's
// worker killed after publishing or not: the sequential build's output.
//
//   e2e_streams_faults <dir>
#include <compss/compss.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

constexpr long count = 300;

static void write_pid(const std::string& dir, const std::string& name) {
  const std::string part = dir + "/." + name + ".pid.part";
  { std::ofstream(part) << ::getpid() << "\n"; }
  std::filesystem::rename(part, dir + "/" + name + ".pid");  // (whole, or not there)
}

// Under STREAM_FAULTS_WAIT_GO: waits (at most 60 s) until the test says go.
static void wait_for_go(const std::string& dir) {
  if (std::getenv("STREAM_FAULTS_WAIT_GO") == nullptr) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(dir + "/go") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

#pragma compss task stream_out(all, once)
void produce(compss::ObjectStream<long>& all, compss::ObjectStream<long>& once, std::string dir) {
  for (long i = 1; i <= count; ++i) {
    all.publish(i);
    once.publish(i);
  }
  write_pid(dir, "producer");
  wait_for_go(dir);
  all.close();
  once.close();
}

#pragma compss task stream_in(s) out(handled)
void consume(compss::ObjectStream<long>& s, long& handled, std::string dir, std::string name) {
  wait_for_go(dir);
  handled = 0;
  std::ofstream out(dir + "/" + name + ".elements", std::ios::app);
  out << "# attempt " << ::getpid() << "\n" << std::flush;
  while (!s.is_closed()) {
    const std::vector<long> batch = s.poll(0.05);
    if (!batch.empty()) out << "# poll " << batch.size() << "\n" << std::flush;
    for (long v : batch) {
      out << v << "\n" << std::flush;
      if (++handled == 50) write_pid(dir, name);
      std::this_thread::sleep_for(std::chrono::milliseconds(3));  // a slow consumer
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_streams_faults <dir>\n");
    return 2;
  }
  const std::string dir = std::filesystem::absolute(argv[1]).string();
  std::filesystem::create_directories(dir);
  compss::ObjectStream<long> all("faults-all", compss::at_least_once, 512);
  compss::ObjectStream<long> once("faults-once", compss::at_most_once, 512);
  long handled_all = 0, handled_once = 0;
  produce(all, once, dir);
  consume(all, handled_all, dir, "at_least_once");
  consume(once, handled_once, dir, "at_most_once");
  #pragma compss wait_on(handled_all, handled_once)
  for (const char* name : {"at_least_once", "at_most_once"}) {
    std::ifstream in(dir + "/" + name + ".elements");
    std::multiset<long> seen;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') seen.insert(std::stol(line));  // (# : markers)
    }
    std::set<long> distinct(seen.begin(), seen.end());
    long sum = 0;
    for (long v : distinct) sum += v;
    std::printf("%s: %zu of %ld elements, sum %ld, %s\n", name, distinct.size(), count, sum,
                std::string(name) == "at_most_once"
                    ? (seen.size() == distinct.size() ? "none twice" : "SOME TWICE")
                    : "each at least once");
  }
  return 0;
}
