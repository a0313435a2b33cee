// Bounded memory under a fast producer and a slow consumer (docs/streams.md, "Memory"),
// in every layout: locally, and under compss-run --workers 2 and --workers 3
// --master-cores 0 (elements then stay with their producer's worker until fetched: its
// flow control, wait_to_hold, and the consumer's poll budget bound what each holds).
// 300 MiB go through a stream of capacity 16; each stream task records how much its
// process's peak resident memory (VmHWM) grew while it ran, and main (the COMPSs build)
// fails if one grew by more than 64 MiB. The sequential build runs the producer to its
// end first (no bound there) and checks nothing; both print the same sum.
//
//   e2e_streams_bounded <dir>
#include <compss/compss.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

constexpr long count = 1200;
constexpr std::size_t element_bytes = 256 * 1024;
constexpr long growth_bound_kib = 64 * 1024;

// This process's peak resident memory in KiB (VmHWM), 0 when unknown.
static long peak_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

static void record_growth(const std::string& dir, const std::string& role, long before) {
#ifdef __COMPSS__
  std::ofstream(dir + "/" + role + "." + std::to_string(::getpid()) + ".growth")
      << peak_kib() - before << "\n";
#else
  (void)dir, (void)role, (void)before;
#endif
}

#pragma compss task stream_out(s)
void produce(compss::ObjectStream<std::vector<char>>& s, std::string dir) {
  const long before = peak_kib();
  for (long i = 0; i < count; ++i) s.publish(std::vector<char>(element_bytes, static_cast<char>(i % 100)));
  s.close();
  record_growth(dir, "producer", before);
}

#pragma compss task stream_in(s) out(sum)
void consume(compss::ObjectStream<std::vector<char>>& s, long& sum, std::string dir) {
  const long before = peak_kib();
  sum = 0;
  while (!s.is_closed()) {
    for (const auto& e : s.poll(0.1)) {
      sum += e.front() + e.back() + static_cast<long>(e.size());
      std::this_thread::sleep_for(std::chrono::microseconds(500));  // a slow consumer
    }
  }
  record_growth(dir, "consumer", before);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_streams_bounded <dir>\n");
    return 2;
  }
  const std::string dir = std::filesystem::absolute(argv[1]).string();
  std::filesystem::create_directories(dir);
  compss::ObjectStream<std::vector<char>> s("bounded", compss::at_most_once, 16);
  long sum = 0;
  produce(s, dir);
  consume(s, sum, dir);
  #pragma compss wait_on(sum)
  std::printf("%ld elements of %zu bytes, sum %ld\n", count, element_bytes, sum);
#ifdef __COMPSS__
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".growth") continue;
    long growth = -1;
    std::ifstream(entry.path()) >> growth;
    ++checked;
    if (growth < 0 || growth > growth_bound_kib) {
      std::fprintf(stderr, "FAIL: %s: the peak resident memory grew by %ld KiB (bound %ld KiB) while "
                   "%ld MiB went through a stream of capacity 16\n", entry.path().filename().c_str(),
                   growth, growth_bound_kib, count * static_cast<long>(element_bytes) >> 20);
      return 1;
    }
  }
  if (checked != 2) {
    std::fprintf(stderr, "FAIL: %d stream tasks recorded their memory (expected 2)\n", checked);
    return 1;
  }
#endif
  return 0;
}
