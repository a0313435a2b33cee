// A long chain of tasks on one value, then a task that kills its own worker (once): the
// chain's result lived only there, so the master must make it again from its lineage,
// 2,500 tasks back to the master's first value, on the other worker. Prints the final
// value, which the sequential build (where nothing dies) must match. The step's increment
// is a global main sets: the tasks made again must get the value of their submission.
// usage: e2e_long_lineage <directory for the marker file> [chain length (2500)]
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

static std::uint64_t increment = 0;  // set by main

#pragma compss task inout(x)
void step(std::uint64_t& x) {
  x = x * 6364136223846793005ULL + increment;  // an LCG step: order matters
}

// On a worker, the first call kills the process it runs in (SIGKILL, as a crash would);
// the marker file makes the retry elsewhere (and any later call) harmless.
#pragma compss task in(x)
void crash_once(const std::uint64_t& x, const std::string& marker) {
  (void)x;
  if (std::getenv("COMPSS_WORKER") == nullptr || std::filesystem::exists(marker)) return;
  std::ofstream(marker) << "crashed\n";
  kill(getpid(), SIGKILL);
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const long length = argc > 2 ? std::atol(argv[2]) : 2500;
  std::uint64_t x = 7;
  increment = 1442695040888963407ULL;
  for (long i = 0; i < length; ++i) step(x);
  crash_once(x, dir + "/crashed.marker");
  step(x);
#pragma compss wait_on(x)
  std::printf("after %ld steps: %llu\n", length + 1, static_cast<unsigned long long>(x));
  return 0;
}
