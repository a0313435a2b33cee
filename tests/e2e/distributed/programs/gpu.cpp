// processor_type="GPU" under compss-run: such a task runs only on a node that declares GPUs
// (a worker with COMPSS_WORKER_GPUS, reported in its Hello); with none in the run it is an
// error at its call (tests/e2e/distributed/CMakeLists.txt). The task checks where it runs.
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

#pragma compss task constraint(processor_type="GPU")
int on_gpu(int i) {
#ifdef __COMPSS__
  const char* gpus = std::getenv("COMPSS_WORKER_GPUS");
  if (std::getenv("COMPSS_WORKER_NAME") == nullptr || gpus == nullptr || std::atoi(gpus) < 1) return -1000;
#endif
  return i;
}

int main() {
  std::vector<compss::Future<int>> r;
  for (int i = 0; i < 8; ++i) r.push_back(on_gpu(i));
  int sum = 0;
  for (auto& f : r) sum += compss::wait_on(f);
  std::printf("sum: %d (every GPU task ran on a GPU node: %s)\n", sum, sum == 28 ? "yes" : "no");
  return 0;
}
