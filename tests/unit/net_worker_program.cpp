// A program as compss-cc would emit it, for test_net_worker: run normally it runs its
// tasks locally; with COMPSS_WORKER set, run_main serves them to a master instead.
#include <compss/compss.hpp>
#include <compss/detail/call_task.hpp>
#include <compss/detail/run_main.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

using namespace compss::detail;

void square_all(std::vector<double>& v) {
  for (double& x : v) x *= x;
}
std::string greet(const std::string& who) {
  if (who.empty()) throw std::runtime_error("nobody to greet");
  return "hello " + who;
}

// True when `expected` calls are inside meet() at once (each waits at most 10 s): how
// test_net_worker sees that a worker runs tasks concurrently.
bool meet(int expected) {
  static std::atomic<int> arrived{0};
  ++arrived;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (arrived.load() < expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return arrived.load() >= expected;
}
// Never returns, as a stuck task: creates the file `started` first, so that a test knows
// it runs, then sleeps for good (test_net_worker: the worker abandons it when its master
// goes).
int hang(const std::string& started) {
  std::FILE* f = std::fopen(started.c_str(), "w");
  if (f != nullptr) std::fclose(f);
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}
std::string current_dir() {
  char buf[4096] = {};
  return getcwd(buf, sizeof buf - 1) != nullptr ? std::string(buf) : std::string();
}

static constexpr ParamSpec square_params[] = {{Direction::inout, ParamKind::object, "v"}};
static constexpr TaskSpec square_spec{"square_all", "void square_all(std::vector<double> &)",
                                      square_params, 1};
static constexpr ParamSpec greet_params[] = {{Direction::in, ParamKind::object, "who"}};
static constexpr TaskSpec greet_spec{"greet", "std::string greet(const std::string &)",
                                     greet_params, 1};

static constexpr ParamSpec meet_params[] = {{Direction::in, ParamKind::object, "expected"}};
static constexpr TaskSpec meet_spec{"meet", "bool meet(int)", meet_params, 1};
static constexpr ParamSpec hang_params[] = {{Direction::in, ParamKind::object, "started"}};
static constexpr TaskSpec hang_spec{"hang", "int hang(const std::string &)", hang_params, 1};
static constexpr TaskSpec cwd_spec{"current_dir", "std::string current_dir()", nullptr, 0};

static int user_main() {
  std::vector<double> v{1, 2, 3};
  call_task<square_spec, &square_all>(v);
  auto g = call_task<greet_spec, &greet>(std::string("local"));
  auto met = call_task<meet_spec, &meet>(1);
  auto cwd = call_task<cwd_spec, &current_dir>();
  // Instantiated (so a worker has it) but never run here: it would never return.
  if (std::getenv("NET_WORKER_PROGRAM_RUN_HANG") != nullptr) {
    call_task<hang_spec, &hang>(std::string("hang.started"));
  }
  std::printf("%s %g %d %s\n", g.get().c_str(), (compss::wait_on(v), v[2]), met.get() ? 1 : 0,
              cwd.get().c_str());
  return 0;
}

int main(int argc, char** argv) { return run_main(argc, argv, &user_main); }
