// A program that keeps the monitor busy for tests/e2e/observe/check_monitor.sh: 12 tasks
// (3 chains of 4) that each wait for the file <dir>/go (at most 30 s), and one that fails
// at once (ignored: the run goes on; its error shows in the monitor's failures), then,
// after they all end, main waits for <dir>/end (at most 60 s) so the finished run can be
// looked at.
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

static bool wait_for_file(const std::string& path, int seconds) {
  for (int i = 0; i < seconds * 100; ++i) {
    if (::access(path.c_str(), F_OK) == 0) return true;
    ::usleep(10000);
  }
  return false;
}

#pragma compss task inout(x) constraint(memory_size=0.01)
void step(long& x, std::string go) {
  wait_for_file(go, 30);
  x += 1;
}

#pragma compss task on_failure(ignore)
void explode(int code) {
  throw std::runtime_error("monitor test failure: bad input " + std::to_string(code));
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  long chains[3] = {0, 10, 20};
  explode(42);
  // It must fail before the steps take every core and wait: submitted first is not enough
  // (a 2-core run under load started two steps first, and the failure the test waits for
  // came only when they gave up, 30 s later).
#pragma compss barrier
  for (int i = 0; i < 4; ++i)
    for (long& c : chains) step(c, dir + "/go");
#pragma compss barrier
  std::printf("%ld %ld %ld\n", chains[0], chains[1], chains[2]);
  std::fflush(stdout);
  if (!wait_for_file(dir + "/end", 60)) std::fprintf(stderr, "monitor_program: no %s/end\n", dir.c_str());
  return 0;
}
