// Task versions (`#pragma compss implement`): a call of `square` may run the task itself or
// its GPU version. The GPU version runs only where GPUs are declared (a local run with
// COMPSS_GPUS, a worker with COMPSS_WORKER_GPUS): there it marks its result, elsewhere it
// poisons it. stdout is the sequential build's (which never runs a version); stderr tallies
// which implementation ran. With VERSIONS_EXPECT_GPU=1 the program fails unless the GPU
// version ran at least once (which of the two the other calls run depends on timing); with
// VERSIONS_IMPOSSIBLE=1 it calls a task no implementation of which can run without GPUs
// (tests/e2e/CMakeLists.txt and tests/e2e/distributed/CMakeLists.txt).
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
/// GPUs declared where this body runs: a worker's, else the master's.
int gpus_here() {
  const char* v = std::getenv(std::getenv("COMPSS_WORKER_NAME") != nullptr ? "COMPSS_WORKER_GPUS"
                                                                            : "COMPSS_GPUS");
  return v == nullptr ? 0 : std::atoi(v);
}
}  // namespace

// Result: 2 * x * x, plus 1 when the GPU version computed it.
#pragma compss task
long square(int x) { return 2L * x * x; }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(square)
long square_gpu(int x) { return gpus_here() > 0 ? 2L * x * x + 1 : -1000000; }

// A task only a GPU or an FPGA can run (for VERSIONS_IMPOSSIBLE).
#pragma compss task constraint(processor_type="FPGA")
void on_fpga(int& x) { x = 0; }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(on_fpga)
void on_fpga_gpu(int& x) { x = 1; }

int main() {
  if (std::getenv("VERSIONS_IMPOSSIBLE") != nullptr) {
    int x = -1;
    on_fpga(x);
    compss::wait_on(x);
    std::printf("x: %d\n", x);
    return 0;
  }
  std::vector<compss::Future<long>> r;
  for (int i = 0; i < 40; ++i) r.push_back(square(i));
  long sum = 0;
  int on_gpu = 0, itself = 0, poisoned = 0;
  for (auto& f : r) {
    long v = compss::wait_on(f);
    if (v < 0) {
      ++poisoned;
      continue;
    }
    on_gpu += static_cast<int>(v & 1);
    itself += static_cast<int>(1 - (v & 1));
    sum += v / 2;
  }
  std::printf("sum of squares: %ld\n", sum);
  std::fprintf(stderr, "square ran %d times, square_gpu %d times (%d off a GPU node)\n", itself,
               on_gpu, poisoned);
  if (poisoned != 0) {
    std::fprintf(stderr, "FAIL: the GPU version ran where no GPU is declared\n");
    return 1;
  }
#ifdef __COMPSS__
  if (const char* expect = std::getenv("VERSIONS_EXPECT_GPU"); expect != nullptr && *expect == '1') {
    // The first call finds every node free (the master waits for its workers), and the
    // scheduler tries accelerator versions first: the GPU version runs at least once.
    if (on_gpu == 0) {
      std::fprintf(stderr, "FAIL: the GPU version never ran, though GPUs are declared\n");
      return 1;
    }
  } else if (on_gpu != 0) {
    std::fprintf(stderr, "FAIL: the GPU version ran in a run without GPUs\n");
    return 1;
  }
#endif
  return 0;
}
