// Tasks that cannot travel to a worker (collections) run in the master's process; their
// memory_size ($STAGE_MEM, $LIGHT_MEM) must count on the master's node like any task's
// there: on a master declared with COMPSS_MEMORY GB, the stages' memory at once never
// exceeds it (docs/distributed.md, "Tasks that stay on the master"). Each task counts
// itself in the process's globals; every task runs in this process (the collections keep
// them here), which the counts show. Prints the same lines as its sequential build when the
// peaks hold.
#include <compss/compss.hpp>

#include "../../programs/stage_peaks.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {
using stage_peaks::env_gb;
using stage_peaks::raise_peak;

std::atomic<int> ran{0}, heavy_now{0}, heavy_peak{0}, gb_now{0}, gb_peak{0};

/// Long enough that stages allowed to overlap would.
void work() { std::this_thread::sleep_for(std::chrono::milliseconds(40)); }
}  // namespace

#pragma compss task collection_inout(parts) constraint(memory_size="$STAGE_MEM")
void heavy_stage(std::vector<long>& parts) {
  ++ran;
  raise_peak(heavy_now, heavy_peak, 1);
  raise_peak(gb_now, gb_peak, env_gb("STAGE_MEM"));
  work();
  for (long& p : parts) p = p * 3 + 1;
  gb_now -= env_gb("STAGE_MEM");
  --heavy_now;
}

#pragma compss task collection_inout(parts) constraint(memory_size="$LIGHT_MEM")
void light_stage(std::vector<long>& parts) {
  ++ran;
  raise_peak(gb_now, gb_peak, env_gb("LIGHT_MEM"));
  work();
  for (long& p : parts) p += 2;
  gb_now -= env_gb("LIGHT_MEM");
}

int main() {
  std::vector<std::vector<long>> xs(6, std::vector<long>(3)), ys(6, std::vector<long>(3));
  for (std::size_t i = 0; i < xs.size(); ++i) {
    for (std::size_t j = 0; j < 3; ++j) xs[i][j] = ys[i][j] = static_cast<long>(i + j);
  }
  for (std::size_t i = 0; i < xs.size(); ++i) {
    heavy_stage(xs[i]);
    light_stage(ys[i]);
  }
  for (auto& x : xs) light_stage(x);
  compss::barrier();
  long sum = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    for (std::size_t j = 0; j < 3; ++j) sum += xs[i][j] + ys[i][j];
  }
  std::printf("sum = %ld\n", sum);
  std::printf("tasks run in this process: %d\n", ran.load());
  std::printf("heavy stages at once <= 1: %s\n", heavy_peak.load() <= 1 ? "yes" : "no");
  const char* limit = std::getenv("COMPSS_MEMORY");
  std::printf("memory of the stages at once <= COMPSS_MEMORY: %s\n",
              limit == nullptr || gb_peak.load() <= std::atoi(limit) ? "yes" : "no");
  return 0;
}
