// Constraints in a local run (docs/pragmas.md): stages whose memory_size (read from
// $STAGE_MEM and $LIGHT_MEM) must never add up to more than the master's memory
// (COMPSS_MEMORY) while they run. The program checks the peaks itself and prints the same
// lines as its sequential build when they hold.
#include <compss/compss.hpp>

#include "stage_peaks.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {
using stage_peaks::env_gb;
using stage_peaks::raise_peak;

std::atomic<int> heavy_now{0}, heavy_peak{0}, gb_now{0}, gb_peak{0};

/// Long enough that stages allowed to overlap would.
void work() { std::this_thread::sleep_for(std::chrono::milliseconds(10)); }
}  // namespace

#pragma compss task inout(x) constraint(memory_size="$STAGE_MEM")
void heavy_stage(long& x) {
  raise_peak(heavy_now, heavy_peak, 1);
  raise_peak(gb_now, gb_peak, env_gb("STAGE_MEM"));
  work();
  x = x * 3 + 1;
  gb_now -= env_gb("STAGE_MEM");
  --heavy_now;
}

#pragma compss task inout(x) constraint(memory_size="$LIGHT_MEM")
void light_stage(long& x) {
  raise_peak(gb_now, gb_peak, env_gb("LIGHT_MEM"));
  work();
  x += 2;
  gb_now -= env_gb("LIGHT_MEM");
}

int main() {
  std::vector<long> xs(8), ys(8);
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = ys[i] = static_cast<long>(i);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    heavy_stage(xs[i]);
    light_stage(ys[i]);
  }
  for (long& x : xs) light_stage(x);
  compss::barrier();
  long sum = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) sum += xs[i] + ys[i];
  std::printf("sum = %ld\n", sum);
  std::printf("heavy stages at once <= 1: %s\n", heavy_peak.load() <= 1 ? "yes" : "no");
  const char* limit = std::getenv("COMPSS_MEMORY");
  std::printf("memory of the stages at once <= COMPSS_MEMORY: %s\n",
              limit == nullptr || gb_peak.load() <= std::atoi(limit) ? "yes" : "no");
  return 0;
}
