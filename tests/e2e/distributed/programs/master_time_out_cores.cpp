// A task that timed out on the master's node keeps its cores until its body returns
// (the thread still runs it, pinned to them): the next task that needs those cores waits.
// `hog` (2 cores, time_out 1 s, ignored) ignores the stop and runs until `next` starts or
// 4 s pass; `next` (2 cores) reports whether `hog` still ran when it started. Workers of
// one core (COMPSS_WORKER_CORES=1) and a master of 2: both run on the master, in this
// process, so they share the flags. Prints "... still ran: no" when the cores waited.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <compss/compss.hpp>

namespace {
/// 0: hog not started, 1: its body runs, 2: its body returned.
std::atomic<int>& hog_state() {
  static std::atomic<int> state{0};
  return state;
}
std::atomic<bool>& next_started() {
  static std::atomic<bool> started{false};
  return started;
}
}  // namespace

#pragma compss task time_out(1) on_failure(ignore) constraint(computing_units=2)
void hog() {
  hog_state() = 1;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while (!next_started() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  hog_state() = 2;
}

#pragma compss task constraint(computing_units=2)
int next() {
  next_started() = true;
  return hog_state();
}

int main() {
  hog();
  // `next` is called once hog's body runs (else it could take the cores first).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (hog_state() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (hog_state() == 0) {
    std::printf("hog never started on the master\n");
    return 2;
  }
  compss::Future<int> seen = next();
  const int state = seen.get();
  compss::barrier();
  std::printf("the timed-out task still ran when the next took its cores: %s\n",
              state == 1 ? "yes" : "no");
  return state == 1 ? 1 : 0;
}
