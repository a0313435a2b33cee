// dislib_memory_limit: a KMeans fit in a process at its memory limit must fail with
// dislib's error naming the limit, not hang: OpenBLAS retries a failed mapping of its work
// buffer forever (dislib/src/blas_memory.hpp). Every process that runs the fit's tasks
// limits its RLIMIT_DATA to what it uses plus DISLIB_TEST_MARGIN_MB (default 100 MiB, less
// than OpenBLAS's 128 MiB buffer, more than the runtime needs for its threads): the main
// process right before the fit, a worker (COMPSS_WORKER set; workers never run main) at
// start, by a static initializer. memory_limit.sh runs it locally and under compss-run and
// checks that it ends with that error.
//
// Before limiting, each process checks that OpenBLAS's thread pool is not running
// (memory_limit.sh asks for a pool of 2 threads): dislib stops it at load
// (src/blas_threads.hpp). A pool thread that has not mapped its work buffer when the limit
// is set retries the mapping forever and the process hangs at exit joining it; whether it
// has mapped it yet is a race, so the test checks the pool itself.
#include <compss/compss.hpp>
#include <compss/dislib.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

// OpenBLAS's pthreads build: non-zero while its thread pool runs (weak: other builds).
extern "C" int blas_server_avail __attribute__((weak));

namespace {

void require_no_openblas_pool(const char* where) {
  if (&blas_server_avail == nullptr || blas_server_avail == 0) return;
  std::fprintf(stderr,
               "dislib_memory_limit: OpenBLAS's thread pool is running %s: a pool thread that "
               "has not mapped its work buffer would spin at the limit and hang the exit\n",
               where);
  std::_Exit(3);  // no exit handlers: the runtime may be running
}

// This process's data memory now (VmData of /proc/self/status), in bytes.
rlim_t data_bytes_in_use() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmData:", 0) == 0) return std::strtoull(line.c_str() + 7, nullptr, 10) << 10;
  std::fprintf(stderr, "dislib_memory_limit: no VmData in /proc/self/status\n");
  std::exit(2);
}

void limit_data_memory() {
  const char* margin = std::getenv("DISLIB_TEST_MARGIN_MB");
  const rlim_t bytes =
      data_bytes_in_use() + (static_cast<rlim_t>(margin ? std::atoi(margin) : 100) << 20);
  const rlimit limit{bytes, bytes};
  if (setrlimit(RLIMIT_DATA, &limit) != 0) {
    std::perror("dislib_memory_limit: setrlimit(RLIMIT_DATA)");
    std::exit(2);
  }
}

[[maybe_unused]] const bool worker_limited = [] {
  if (std::getenv("COMPSS_WORKER") == nullptr) return false;
  require_no_openblas_pool("in a worker's static initializer");
  limit_data_memory();
  return true;
}();

}  // namespace

int main() {
  const dislib::Array x = dislib::random_array({2000, 10}, {500, 10}, 0);
  const dislib::Matrix init = x.slice_rows(0, 3).collect();
  dislib::KMeans km({.n_clusters = 3, .init = init, .max_iter = 2, .tol = 0});
  require_no_openblas_pool("in main");
  limit_data_memory();
  km.fit(x);  // a failed task stops the application with its error (memory_limit.sh checks)
  std::printf("inertia %.17g\n", km.inertia());
  return 0;
}
