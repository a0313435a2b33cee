// A task that never returns on a worker (it ignores stop_requested), with time_out(1) and
// on_failure(ignore), then slow tasks. After the grace period (compss-run --timeout-grace)
// the master has that worker restarted (docs/failures.md, "Restarting a worker"): the new
// process joins the run and takes tasks, which say on stderr where they ran
// (tests/e2e/distributed/restart_stuck.sh checks that the restarted worker ran some). The
// output is the sequential build's: `x` keeps its value (ignore), the sum is the same.
//   restart_stuck <tasks> [remake]
// remake: a value made on a worker before the stuck task is read after it (by a task that
// waits for a core meanwhile): with one worker, it is lost with the restarted worker while
// no other worker is live, and made again once the restarted one joins.
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

#pragma compss task
long tripled(long v) { return 3 * v; }

// As stuck, once `made` exists (on the worker that made it).
#pragma compss task inout(x) time_out(1) on_failure(ignore)
void stuck_after(long& x, long made) {
  if (std::getenv("COMPSS_WORKER_NAME") == nullptr) return;
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // ignores its time-out
  x = made;
}

// Ready once stuck_after timed out (it reads x after it), while its worker still holds its
// core: placed once that worker is lost, when `made` must be made again.
#pragma compss task
long plus_one(long made, const long& x) { return made + 1 + (x - x); }

int main(int argc, char** argv) {
  const long tasks = argc > 1 ? std::atol(argv[1]) : 60;
  const bool remake = argc > 2 && std::string(argv[2]) == "remake";
  long x = 5;
  compss::Future<long> made;
  compss::Future<long> read_after;
  if (remake) {
    made = tripled(7);  // (on the worker; it stays there)
    stuck_after(x, made);
    read_after = plus_one(made, x);
  } else {
    stuck(x);
  }
  std::vector<compss::Future<long>> squares;  // (all submitted before any is waited for)
  for (long i = 0; i < tasks; ++i) squares.push_back(slow_square(i));
  long sum = 0;
  for (compss::Future<long>& s : squares) sum += s.get();
  std::printf("sum of %ld squares: %ld\n", tasks, sum);
  std::printf("x after the stuck task: %ld\n", x);
  if (remake) std::printf("made again and read: %ld\n", read_after.get());
  return 0;
}
