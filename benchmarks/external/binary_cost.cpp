// Cost of a binary task (issue 13, item 8): N binary tasks running /bin/true against N
// posix_spawn + waitpid of /bin/true in the same run. Prints microseconds per program for
// both and their ratio. Run with COMPSS_THREADS=1 for one program at a time on each side:
//   COMPSS_THREADS=1 bin/bench_binary_cost 2000
// (benchmarks/external/README.md).
#include <compss/compss.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

#pragma compss binary(binary="/bin/true")
#pragma compss task
int run_true();

static double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: bench_binary_cost [count > 0]\n");
    return 2;
  }
  run_true();  // the runtime's start is not part of the measure
  compss::barrier();

  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    pid_t pid = 0;
    char arg0[] = "true";
    char* args[] = {arg0, nullptr};
    if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, args, environ) != 0) return 1;
    int status = 0;
    waitpid(pid, &status, 0);
  }
  const double raw = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) run_true();
  compss::barrier();
  const double tasks = seconds_since(t0);

  std::printf("programs: %d\nraw posix_spawn+waitpid: %.1f us each\nbinary tasks: %.1f us each\n"
              "ratio: %.2f\n",
              n, 1e6 * raw / n, 1e6 * tasks / n, tasks / raw);
  return 0;
}
