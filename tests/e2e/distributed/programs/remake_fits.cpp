// Lost data is made again only on a node that fits its producer's constraints (issue 12,
// lineage): `produce` asks for a GPU and appends "produce <node> gpus=<n>" to
// <dir>/produce.log each time it runs (and fails on a worker that declares no GPU, or
// without a GPU id: this_task::gpus()). `hold`
// keeps the other GPU worker busy, so a remake that ignored the constraints would go to
// the idle CPU worker (the least loaded). main kills the worker that ran `produce` (its
// pid is produce's result), then waits for x: x is made again, on a GPU worker, or the run
// fails saying why no live worker can (remake_fits.sh). Prints x, as the sequential build.
// usage: e2e_remake_fits <directory for produce.log>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

#include <compss/compss.hpp>

namespace {
bool on_worker() { return std::getenv("COMPSS_WORKER") != nullptr; }
int worker_gpus() {
  const char* g = std::getenv("COMPSS_WORKER_GPUS");
  return g != nullptr ? std::atoi(g) : 0;
}
const char* node() {
  const char* w = std::getenv("COMPSS_WORKER_NAME");
  return w != nullptr ? w : "master";
}
}  // namespace

#pragma compss task constraint(processor_type = "GPU")
int hold(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return ms;
}

#pragma compss task out(x) constraint(processor_type = "GPU")
int produce(std::uint64_t& x, const std::string& log) {
  std::ofstream(log, std::ios::app) << "produce " << node() << " gpus=" << worker_gpus() << "\n";
  if (on_worker() && worker_gpus() == 0) throw std::runtime_error("produce ran on a node without a GPU");
  // Its run again (a remake) reserves its GPU too: the body is told which (binding).
  if (on_worker() && compss::this_task::gpus().size() != 1) throw std::runtime_error("produce ran without its GPU id");
  x = 4242;
  return on_worker() ? static_cast<int>(getpid()) : 0;
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  compss::Future<int> held = hold(3000);  // takes the first GPU worker's GPU
  std::uint64_t x = 0;
  compss::Future<int> pid = produce(x, dir + "/produce.log");  // on another GPU worker
  if (const int p = pid.get(); p > 0 && p != getpid()) kill(p, SIGKILL);
  compss::wait_on(x);  // lost with its worker: made again
  std::printf("x: %llu (held %d ms)\n", static_cast<unsigned long long>(x), held.get());
  return 0;
}
