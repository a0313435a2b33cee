// A task that kills the worker running it (SIGKILL, as the OOM killer would), among slow
// tasks that wait in the same workers' queues. The poison task must be run on at most 2
// workers (Cluster: max_workers_killed), then fail with a report naming it, its
// parameters and the workers it killed, through its on_failure policy; the other tasks,
// including those queued on the killed workers, must go on and give the sequential answer.
//   poison_task ignore: on_failure(ignore, returns=-1): the run ends normally
//   poison_task retry:  the default policy: the application stops (exit code 1)
// The sequential build (no COMPSS_WORKER_NAME) never kills itself.
#include <compss/compss.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {
void kill_my_worker() {
  if (std::getenv("COMPSS_WORKER_NAME") != nullptr) std::raise(SIGKILL);
}
}  // namespace

#pragma compss task on_failure(ignore, returns=-1)
long poison_ignored(long x) {
  kill_my_worker();
  return x;
}

#pragma compss task
long poison_retried(long x) {
  kill_my_worker();
  return x;
}

#pragma compss task
long slow_square(long x) {
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  return x * x;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "ignore";
  long p = mode == "retry" ? poison_retried(7) : poison_ignored(7);
  long squares[32];
  for (long i = 0; i < 32; ++i) squares[i] = slow_square(i);
  long sum = 0;
  for (long s : squares) sum += s;
  std::printf("sum of squares: %ld\n", sum);
  std::printf("poison task result: %ld\n", p);
  return 0;
}
