// The Runtime's Backend (runtime/core/backend.hpp): over a recording fake, a backend that
// is not all local sees every task through its hooks, in order, and the program's waits
// through its syncs; one that is all local (LocalBackend's case) sees none of them: the
// local fast path makes no backend call per task.
#include "core/runtime.hpp"
#include "local/make_runtime.hpp"

#include <compss/compss.hpp>
#include <compss/detail/call_task.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace compss::detail;
using compss::rt::Backend;
using compss::rt::LocalExecutor;
using compss::rt::Runtime;

namespace {

void inc(int& x) { ++x; }
void copy_to(const int& x, int& y) { y = x; }
int twice(const int& x) { return 2 * x; }

constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr ParamSpec in_x[] = {{Direction::in, ParamKind::object, "x"}};
constexpr ParamSpec in_x_out_y[] = {{Direction::in, ParamKind::object, "x"},
                                    {Direction::out, ParamKind::object, "y"}};
constexpr TaskSpec inc_task{"inc", "void inc(int &)", inout_x, 1};
constexpr TaskSpec copy_task{"copy_to", "void copy_to(const int &, int &)", in_x_out_y, 2};
constexpr TaskSpec twice_task{"twice", "int twice(const int &)", in_x, 1};

/// What the backend was asked, in order: {hook, task id or address}.
struct CallLog {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::uintptr_t>> calls;
  void add(std::string hook, std::uintptr_t what) {
    std::lock_guard lock(mutex);
    calls.emplace_back(std::move(hook), what);
  }
};

/// Runs every task on the executor, as LocalBackend does, and records each call.
class RecordingBackend final : public Backend {
 public:
  RecordingBackend(LocalExecutor& executor, bool all_local, std::shared_ptr<CallLog> log)
      : executor_(executor), all_local_(all_local), log_(std::move(log)) {}
  bool all_local() const noexcept override { return all_local_; }
  void submitted(TaskBase* t, std::uint64_t) override { log_->add("submitted", t->id()); }
  void ready(TaskBase* t) override {
    log_->add("ready", t->id());
    executor_.spawn(t);
  }
  void before_run(TaskBase* t) override { log_->add("before_run", t->id()); }
  void finished(TaskBase* t) noexcept override { log_->add("finished", t->id()); }
  void sync(std::uintptr_t address, bool may_write) override {
    log_->add(may_write ? "sync_written" : "sync", address);
  }
  void sync_range(std::uintptr_t begin, std::uintptr_t) override { log_->add("sync_range", begin); }
  void sync_file(const std::string&) override { log_->add("sync_file", 0); }
  void sync_all() override { log_->add("sync_all", 0); }
  void forget(std::uintptr_t) noexcept override {}
  std::string node_name(int node) const override { return "fake-" + std::to_string(node); }
  std::size_t running() const noexcept override { return 0; }
  void tell_run_ended() noexcept override { log_->add("tell_run_ended", 0); }
  void shutdown() noexcept override { log_->add("shutdown", 0); }

 private:
  LocalExecutor& executor_;
  bool all_local_;
  std::shared_ptr<CallLog> log_;
};

class BackendTest : public ::testing::Test {
 protected:
  void SetUp() override { shutdown_runtime(); }
  void TearDown() override { shutdown_runtime(); }

  /// Starts a runtime over a recording backend.
  void start(bool all_local) {
    compss::rt::install_runtime(compss::rt::make_runtime(
        2, false, [this, all_local](Runtime&, LocalExecutor& executor) -> std::unique_ptr<Backend> {
          return std::make_unique<RecordingBackend>(executor, all_local, log);
        }));
  }

  /// A chain of three increments, a copy, a wait on the copy, a task with a result and a
  /// barrier: the results are right whichever way the tasks went.
  void run_program() {
    x = 0;
    y = 0;
    for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
    call_task<copy_task, &copy_to>(x, y);
    compss::wait_on(y);
    EXPECT_EQ(y, 3);
    compss::Future<int> f = call_task<twice_task, &twice>(y);
    EXPECT_EQ(compss::wait_on(f), 6);
    compss::barrier();
  }

  std::shared_ptr<CallLog> log = std::make_shared<CallLog>();
  int x = 0;
  int y = 0;
};

TEST_F(BackendTest, EveryTaskGoesThroughTheHooksInOrder) {
  start(false);
  run_program();
  shutdown_runtime();

  std::map<std::uintptr_t, std::vector<std::string>> per_task;
  std::vector<std::pair<std::string, std::uintptr_t>> waits;
  for (const auto& [hook, what] : log->calls) {
    if (hook == "submitted" || hook == "ready" || hook == "before_run" || hook == "finished") {
      per_task[what].push_back(hook);
    } else if (hook != "sync") {
      // (Future::get syncs only a value not yet computed when it is called: a race.)
      waits.emplace_back(hook, what);
    }
  }
  ASSERT_EQ(per_task.size(), 5u);  // three inc, copy_to, twice
  for (const auto& [id, hooks] : per_task) {
    EXPECT_EQ(hooks, (std::vector<std::string>{"submitted", "ready", "before_run", "finished"}))
        << "task " << id;
  }
  const std::vector<std::pair<std::string, std::uintptr_t>> expected{
      {"sync_written", reinterpret_cast<std::uintptr_t>(&y)},  // wait_on(y): may be changed next
      {"sync_all", 0},                                         // barrier (explicit)
      {"shutdown", 0}};
  EXPECT_EQ(waits, expected);
}

TEST_F(BackendTest, AnAllLocalBackendIsNotCalledPerTask) {
  start(true);
  run_program();
  shutdown_runtime();
  ASSERT_EQ(log->calls.size(), 1u);  // the fast path: no hook, no sync
  EXPECT_EQ(log->calls[0].first, "shutdown");
}

TEST_F(BackendTest, InstallingOverARunningRuntimeIsRefused) {
  start(true);
  EXPECT_THROW(start(true), std::logic_error);
}

}  // namespace
