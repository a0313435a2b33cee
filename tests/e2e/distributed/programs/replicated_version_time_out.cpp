// A replicated task's version with its own time_out: `work` (replicated) allows 20 s, its
// GPU version `work_gpu` 1 s. With GPUs declared on every node (COMPSS_GPUS on the master,
// COMPSS_WORKER_GPUS on the workers) each replica runs the GPU version, for up to 4 s: the
// call must be stopped after the version's 1 s, and the run fails with "timed out after
// 1 s". (The replicated call's deadline was armed once from the task's own 20 s, so it
// ended after 4 s and exited 0.) Run by external_failure.sh under compss-run.
#include <chrono>
#include <thread>

#include <compss/compss.hpp>

#pragma compss task replicated time_out(20)
void work(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

#pragma compss task time_out(1) constraint(processor_type = "GPU")
#pragma compss implement(work)
void work_gpu(int ms) {
  // (Ends early once stopped: the thread of a timed-out task still runs its body.)
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end && !compss::this_task::stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int main() {
  work(4000);
  compss::barrier();
  return 0;
}
