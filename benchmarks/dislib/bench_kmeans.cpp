// bench_kmeans: dislib's KMeans fit on a .npy data set from given initial centres, with
// tol 0 (every iteration runs), and the machine's dgemm rate measured in the same run.
// Run by run_kmeans.py, which times scikit-learn on the same files and cores.
//
// usage: bench_kmeans <data.npy> <init.csv> <iterations> <block_rows> <cores>
//        bench_kmeans --random <rows> <cols> <k> <iterations> <block_rows> <cores>
// --random: the data is dislib::random_array (one task per block, made where the task
// runs: under compss-run --master-cores 0 the master never holds it), the first k rows
// are the initial centres. With BENCH_WORKER_MEMORY_MB set, every worker process limits
// its own memory (RLIMIT_DATA: heap and private mappings) to that many MB at start
// (run_kmeans_memory.py: a data set larger than one worker's limit).
// stdout (one "key value" per line): rows, cols, clusters, blocks, load_s, fit_s,
// fit_cpu_s (this process's CPU time during the fit, all threads: the load-independent
// cost when the tasks run here; under compss-run the workers' time is not in it), n_iter,
// inertia, gflops (2 n d k per pass / fit_s; 5 iterations and the final inertia's pass),
// gflops_per_cpu_s (the same over fit_cpu_s), dgemm_gflops and dgemm_gflops_per_cpu_s
// (cblas_dgemm on `cores` OpenBLAS threads, 2000 x 2000, over wall and over CPU time).
#include <compss/compss.hpp>
#include <compss/dislib.hpp>

#include <cblas.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <vector>

extern "C" void openblas_set_num_threads(int);

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// User + system time of this process (all its threads) so far.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Wall and CPU time from its construction.
struct FitTimer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = process_cpu_seconds();
};

// The machine's dgemm rate: the best of 3 runs of a 2000 x 2000 x 2000 dgemm on `cores`
// threads, in GFLOP/s of wall time and in GFLOP per CPU-second (this process's CPU time
// during that run: what a core gives when it runs, whatever share of the cores the
// machine's other jobs leave).
struct DgemmRate {
  double wall = 0, cpu = 0;
};

DgemmRate dgemm_rate(int cores) {
  const int n = 2000;
  const double flops = 2.0 * n * n * n;
  std::vector<double> a(static_cast<std::size_t>(n) * n, 0.5), b(a), c(a.size());
  openblas_set_num_threads(cores);
  DgemmRate best;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t = std::chrono::steady_clock::now();
    const double cpu = process_cpu_seconds();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(),
                n, 0.0, c.data(), n);
    best.wall = std::max(best.wall, flops / seconds_since(t) / 1e9);
    best.cpu = std::max(best.cpu, flops / (process_cpu_seconds() - cpu) / 1e9);
  }
  openblas_set_num_threads(1);  // back to one thread per task (dislib's setting)
  return best;
}

// Workers never run main: the limit is set by a static initializer in every worker process.
[[maybe_unused]] const bool worker_memory_limited = [] {
  const char* mb = std::getenv("BENCH_WORKER_MEMORY_MB");
  if (mb == nullptr || std::getenv("COMPSS_WORKER") == nullptr) return false;
  const rlim_t bytes = static_cast<rlim_t>(std::strtoull(mb, nullptr, 10)) << 20;
  const rlimit limit{bytes, bytes};
  if (setrlimit(RLIMIT_DATA, &limit) != 0) {
    std::perror("bench_kmeans: setrlimit(RLIMIT_DATA)");
    std::exit(1);
  }
  return true;
}();

void print_fit(const dislib::Array& x, const dislib::KMeans& km, std::size_t k, double load_s,
               const FitTimer& timer, int cores) {
  const double fit_s = seconds_since(timer.wall), fit_cpu_s = process_cpu_seconds() - timer.cpu;
  const double flops = 2.0 * static_cast<double>(x.rows()) * static_cast<double>(x.cols()) *
                       static_cast<double>(k) * static_cast<double>(km.n_iter() + 1);
  std::printf("rows %zu\ncols %zu\nclusters %zu\nblocks %zu\nload_s %.3f\nfit_s %.3f\n"
              "fit_cpu_s %.3f\n",
              x.rows(), x.cols(), k, x.n_blocks().rows, load_s, fit_s, fit_cpu_s);
  const DgemmRate dgemm = dgemm_rate(cores);
  std::printf("n_iter %zu\ninertia %.17g\ngflops %.2f\ngflops_per_cpu_s %.2f\n"
              "dgemm_gflops %.2f\ndgemm_gflops_per_cpu_s %.2f\n",
              km.n_iter(), km.inertia(), flops / fit_s / 1e9, flops / fit_cpu_s / 1e9, dgemm.wall,
              dgemm.cpu);
}

// --random rows cols k iterations block_rows cores
int fit_random(char** argv) {
  const std::size_t rows = std::strtoul(argv[2], nullptr, 10);
  const std::size_t cols = std::strtoul(argv[3], nullptr, 10);
  const std::size_t k = std::strtoul(argv[4], nullptr, 10);
  const std::size_t iterations = std::strtoul(argv[5], nullptr, 10);
  const std::size_t block_rows = std::strtoul(argv[6], nullptr, 10);
  auto t = std::chrono::steady_clock::now();
  const dislib::Array x = dislib::random_array({rows, cols}, {block_rows, cols}, 0);
  const dislib::Matrix init = x.slice_rows(0, k).collect();
  const double load_s = seconds_since(t);
  dislib::KMeans km({.n_clusters = k, .init = init, .max_iter = iterations, .tol = 0});
  const FitTimer timer;
  km.fit(x);
  print_fit(x, km, k, load_s, timer, std::atoi(argv[7]));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool random = argc == 8 && std::string_view(argv[1]) == "--random";
  if (argc != 6 && !random) {
    std::fprintf(stderr,
                 "usage: %s <data.npy> <init.csv> <iterations> <block_rows> <cores>\n"
                 "       %s --random <rows> <cols> <k> <iterations> <block_rows> <cores>\n",
                 argv[0], argv[0]);
    return 2;
  }
  try {
    if (random) return fit_random(argv);
    const std::size_t iterations = std::strtoul(argv[3], nullptr, 10);
    const std::size_t block_rows = std::strtoul(argv[4], nullptr, 10);
    const int cores = std::atoi(argv[5]);
    auto t = std::chrono::steady_clock::now();
    const dislib::Array x = dislib::load_npy_file(argv[1], {block_rows, 1u << 30});
    const dislib::Matrix init = dislib::load_txt_file(argv[2], {1u << 30, 1u << 30}).collect();
    const double load_s = seconds_since(t);
    dislib::KMeans km({.n_clusters = init.size(), .init = init, .max_iter = iterations, .tol = 0});
    const FitTimer timer;
    km.fit(x);
    print_fit(x, km, init.size(), load_s, timer, cores);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_kmeans: %s\n", e.what());
    return 1;
  }
  return 0;
}
