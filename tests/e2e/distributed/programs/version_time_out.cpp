// A version's own time_out (issue 12, versions): `work` allows 20 s, its GPU version
// `work_gpu` 1 s. Where a GPU is declared (COMPSS_GPUS locally, COMPSS_WORKER_GPUS on
// workers) the GPU version runs, for up to 4 s: it must be stopped after its own 1 s, and
// the run fails with "timed out after 1 s" (with the task's 20 s it ended after 4 s and
// exited 0). Run by external_failure.sh, locally and under compss-run.
#include <chrono>
#include <cstdio>
#include <thread>

#include <compss/compss.hpp>

#pragma compss task time_out(20)
int work(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return ms;
}

#pragma compss task time_out(1) constraint(processor_type = "GPU")
#pragma compss implement(work)
int work_gpu(int ms) {
  // (Ends early once stopped: the thread of a timed-out task still runs its body.)
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end && !compss::this_task::stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ms;
}

int main() {
  compss::Future<int> r = work(4000);
  std::printf("work returned %d\n", r.get());
  return 0;
}
