// A task that never returns on a worker (it ignores stop_requested), with time_out(1) and
// on_failure(ignore), then slow tasks. After the grace period (compss-run --timeout-grace)
// the master has that worker restarted (docs/failures.md, "Restarting a worker"): the new
// process joins the run and takes tasks, which say on stderr where they ran
// (tests/e2e/distributed/restart_stuck.sh checks that the restarted worker ran some). The
// output is the sequential build's: `x` keeps its value (ignore), the sum is the same.
//   restart_stuck <tasks>
// The sequential build (no COMPSS_WORKER_NAME) never gets stuck.
#include <compss/compss.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#pragma compss task inout(x) time_out(1) on_failure(ignore)
void stuck(long& x) {
  if (std::getenv("COMPSS_WORKER_NAME") == nullptr) return;
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // ignores its time-out
  x = -1;
}

#pragma compss task
long slow_square(long i) {
  // Slow on workers only: long enough that the restarted worker comes back before the
  // others ran them all (the sequential build need not wait).
  if (const char* worker = std::getenv("COMPSS_WORKER_NAME")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    std::fprintf(stderr, "slow_square(%ld) ran on %s pid %d\n", i, worker, static_cast<int>(::getpid()));
  }
  return i * i;
}

int main(int argc, char** argv) {
  const long tasks = argc > 1 ? std::atol(argv[1]) : 60;
  long x = 5;
  stuck(x);
  std::vector<compss::Future<long>> squares;  // (all submitted before any is waited for)
  for (long i = 0; i < tasks; ++i) squares.push_back(slow_square(i));
  long sum = 0;
  for (compss::Future<long>& s : squares) sum += s.get();
  std::printf("sum of %ld squares: %ld\n", tasks, sum);
  std::printf("x after the stuck task: %ld\n", x);
  return 0;
}
