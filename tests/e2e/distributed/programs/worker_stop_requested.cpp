// A body with a time_out that polls compss::this_task::stop_requested() returns by itself
// on a worker too (docs/failures.md, "time_out", point 1): the master sends the attempt's
// time left with the request (TaskRequest::time_left_ms) and the worker's body sees
// stop_requested() at that deadline. Three calls of `poll_until_stopped` (time_out(1),
// ignore with a default) print how long each ran and where once stopped; main waits long enough for a
// restart (worker_stop.sh passes --timeout-grace 2): before, the body never saw the stop
// on a worker, did not return within the grace, and its worker was restarted.
#include <chrono>
#include <cstdio>
#include <thread>

#include <compss/compss.hpp>

#pragma compss task time_out(1) on_failure(ignore, returns = -1L)
long poll_until_stopped(long limit_s) {
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  };
  while (!compss::this_task::stop_requested()) {
    if (elapsed() > limit_s * 1000) {
      std::printf("body not stopped after %ld s\n", limit_s);
      std::fflush(stdout);
      return -2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const char* worker = std::getenv("COMPSS_WORKER_NAME");
  std::printf("body stopped after %lld ms on %s\n", static_cast<long long>(elapsed()),
              worker != nullptr ? worker : "the master");
  std::fflush(stdout);
  return 0;
}

int main() {
  // Three at once: with the master's cores (2) in use, one at least runs on a worker.
  compss::Future<long> r[] = {poll_until_stopped(20), poll_until_stopped(20), poll_until_stopped(20)};
  for (auto& f : r) std::printf("result %ld\n", f.get());  // the default: it timed out
  // Past the grace (2 s) after the time-out: a body still running would restart its worker.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  std::printf("main ends\n");
  return 0;
}
