// Lost data is made again on a node whose *free* resources fit its producer, reserved
// through the scheduler like any task's, the master's node included when it has cores
// (remake_free.sh). `hold(dir, until)` marks its node busy (<dir>/holding.<node>) until
// <dir>/<until> exists; `produce` appends "produce <node> during_hold=<0|1>" to
// <dir>/produce.log (1: it ran while a hold held the same node's only core) and, run again,
// creates <dir>/remade. Layout (first fit, each node one core, see remake_free.sh):
// hold-until-killed takes the first node, produce the second (its first run waits until
// the other hold has started), hold-until-remade the third. main kills produce's worker,
// creates <dir>/killed and waits for x: the first node frees and the remake runs there,
// never beside the hold that waits for it. Prints x, as the sequential build.
// usage: e2e_remake_free <directory>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

#include <compss/compss.hpp>

namespace {
namespace fs = std::filesystem;
bool on_worker() { return std::getenv("COMPSS_WORKER") != nullptr; }
std::string node() {
  const char* w = std::getenv("COMPSS_WORKER_NAME");
  return w != nullptr ? w : "master";
}
/// Waits until `path` exists (at most 30 s: a broken run ends, and the script says why).
void wait_for(const fs::path& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(path) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}
}  // namespace

#pragma compss task
int hold(const std::string& dir, const std::string& until) {
  const fs::path mark = fs::path(dir) / ("holding." + node());
  std::ofstream(fs::path(dir) / ("started." + until)) << node() << "\n";
#ifdef __COMPSS__
  std::ofstream(mark) << until << "\n";
  wait_for(fs::path(dir) / until);
  fs::remove(mark);
#endif
  return 1;
}

#pragma compss task out(x)
int produce(std::uint64_t& x, const std::string& dir) {
  const fs::path log = fs::path(dir) / "produce.log";
  const bool again = fs::exists(log);
  const bool during_hold = fs::exists(fs::path(dir) / ("holding." + node()));
  std::ofstream(log, std::ios::app) << "produce " << node() << " during_hold=" << during_hold << "\n";
#ifdef __COMPSS__
  if (!again) wait_for(fs::path(dir) / "started.remade");  // the last node is taken first
#endif
  if (again) std::ofstream(fs::path(dir) / "remade") << node() << "\n";
  x = 4242;
  return on_worker() ? static_cast<int>(getpid()) : 0;
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  compss::Future<int> first = hold(dir, "killed");
  std::uint64_t x = 0;
  compss::Future<int> pid = produce(x, dir);
  compss::Future<int> last = hold(dir, "remade");
  if (const int p = pid.get(); p > 0 && p != getpid()) kill(p, SIGKILL);
  std::ofstream(fs::path(dir) / "killed") << "\n";
  compss::wait_on(x);  // lost with its worker: made again
  std::printf("x: %llu, holds %d\n", static_cast<unsigned long long>(x), first.get() + last.get());
  return 0;
}
