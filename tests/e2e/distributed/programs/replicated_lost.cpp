// A `replicated` call whose every placement waits on workers that are lost before it
// starts there must still end (docs/distributed.md, replicated calls): its attempt fails
// with compss::WorkerLost and its policy decides; with the default (retry) it runs again
// on the nodes left (here the master's, once no worker is left). Under compss-run with 1
// or 2 workers of one core (--master-cores 0), two tasks first keep the workers busy and
// kill them (as the OOM killer would) after 300 ms, so the replicated call is pinned to
// busy workers only; then they die. Before the fix the run never ended. The sequential
// build (no COMPSS_WORKER_NAME) kills nothing.
#include <compss/compss.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#pragma compss task on_failure(ignore, returns=-1)
long occupy_then_die(long x) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  if (std::getenv("COMPSS_WORKER_NAME") != nullptr) std::raise(SIGKILL);
  return x;
}

#pragma compss task replicated
long triple(long x) { return 3 * x; }

int main() {
  // (Futures: the calls return at once; using one as a long waits for it.)
  auto first = occupy_then_die(1);
  auto second = occupy_then_die(2);
  auto replicated = triple(7);
  long occupiers = first;
  occupiers += static_cast<long>(second);
  long t = replicated;
  std::printf("occupiers: %ld\n", occupiers);
  std::printf("replicated: %ld\n", t);
  return 0;
}
