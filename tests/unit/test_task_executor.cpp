// The Runtime's TaskExecutor (runtime/core/task_executor.hpp): core/ runs its tasks on
// whatever executor its builder gives it. Over a fake that only queues what it is given
// (the test runs the queue on its own thread), the Runtime spawns a task when it becomes
// ready, chains a ready successor inline without a spawn, and asks the executor, not a
// LocalExecutor, for its threads and for why a constrained task can never run.
#include "core/runtime.hpp"
#include "core/task_executor.hpp"
#include "core/thread_slot.hpp"
#include "core/trace_records.hpp"
#include "idle_backend.hpp"
#include "observe/trace_recorder.hpp"

#include <compss/compss.hpp>
#include <compss/detail/call_task.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

using namespace compss::detail;
using compss::rt::Backend;
using compss::rt::Runtime;
using compss::rt::TaskExecutor;

namespace {

void inc(int& x) { ++x; }
void copy_to(const int& x, int& y) { y = x; }

constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr ParamSpec in_x_out_y[] = {{Direction::in, ParamKind::object, "x"},
                                    {Direction::out, ParamKind::object, "y"}};
constexpr TaskSpec inc_task{"inc", "void inc(int &)", inout_x, 1};
constexpr TaskSpec copy_task{"copy_to", "void copy_to(const int &, int &)", in_x_out_y, 2};
constexpr Constraint sixty_four_gb[] = {{"memory_size", "64"}};
constexpr TaskSpec huge_inc{.name = "inc", .signature = "void inc(int &)", .params = inout_x,
                            .param_count = 1, .constraints = sixty_four_gb, .constraint_count = 1};

/// Queues spawned tasks; run_all() runs them on the calling thread. Thread-safe: `mutex_`
/// guards the queue and the counts (a leaf lock, never held while a task runs).
class QueueExecutor final : public TaskExecutor {
 public:
  explicit QueueExecutor(Runtime& runtime, std::uint64_t slot_key = no_slot_key)
      : runtime_(runtime), slot_key_(slot_key) {}

  void spawn(TaskBase* task) override {
    std::lock_guard lock(mutex_);
    queue_.push_back(task);
    ++spawned_;
  }
  void wait_idle() override { run_all(); }
  unsigned threads() const noexcept override { return 7; }
  /// Refuses every task asked about (only tasks that need_placement are).
  std::optional<std::string> never_fits(const TaskBase&) override {
    std::lock_guard lock(mutex_);
    ++asked_;
    return std::string("no node here has 64 GB");
  }
  /// The slot it answers when asked (a thread_slot it does not key is not its own).
  static constexpr unsigned asked_slot = 5;
  unsigned current_slot() const noexcept override { return asked_slot; }
  std::uint64_t slot_key() const noexcept override { return slot_key_; }

  /// Runs every queued task (and what they spawn) here; returns how many chains ran.
  int run_all() {
    int chains = 0;
    for (;;) {
      TaskBase* t = nullptr;
      {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) return chains;
        t = queue_.front();
        queue_.pop_front();
      }
      runtime_.execute_chain(t);
      ++chains;
    }
  }
  int spawned() {
    std::lock_guard lock(mutex_);
    return spawned_;
  }
  int asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  Runtime& runtime_;
  const std::uint64_t slot_key_;
  std::mutex mutex_;
  std::deque<TaskBase*> queue_;
  int spawned_ = 0;
  int asked_ = 0;
};

/// All local: the Runtime takes the fast path and calls none of its per-task hooks.
class QuietBackend final : public compss_test::IdleBackend {
 public:
  QuietBackend() : IdleBackend(true) {}
};

class TaskExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override { shutdown_runtime(); }
  void TearDown() override {
    if (executor != nullptr) executor->run_all();  // (nothing left queued at the end)
    shutdown_runtime();
  }

  void start(std::uint64_t slot_key = TaskExecutor::no_slot_key) {
    compss::rt::install_runtime(std::make_unique<Runtime>(
        false,
        [this, slot_key](Runtime& runtime) {
          auto made = std::make_unique<QueueExecutor>(runtime, slot_key);
          executor = made.get();
          return made;
        },
        [](Runtime&, TaskExecutor&) { return std::make_unique<QuietBackend>(); }));
  }

  QueueExecutor* executor = nullptr;
  int x = 0;
  int y = 0;
};

TEST_F(TaskExecutorTest, AChainIsSpawnedOnceAndItsSuccessorsRunInline) {
  start();
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  call_task<copy_task, &copy_to>(x, y);
  // Nothing ran yet: the Runtime has no thread of its own; only the first task was ready.
  EXPECT_EQ(x, 0);
  EXPECT_EQ(executor->spawned(), 1);
  EXPECT_EQ(executor->run_all(), 1);  // one chain: inc, inc, inc, copy_to on this thread
  EXPECT_EQ(executor->spawned(), 1);
  compss::wait_on(y);
  EXPECT_EQ(x, 3);
  EXPECT_EQ(y, 3);
}

TEST_F(TaskExecutorTest, IndependentTasksAreEachSpawned) {
  start();
  int a = 0, b = 0, c = 0;
  call_task<inc_task, &inc>(a);
  call_task<inc_task, &inc>(b);
  call_task<inc_task, &inc>(c);
  EXPECT_EQ(executor->spawned(), 3);
  EXPECT_EQ(executor->run_all(), 3);
  compss::barrier();
  EXPECT_EQ(a + b + c, 3);
}

TEST_F(TaskExecutorTest, TheRuntimesThreadsAreItsExecutors) {
  start();
  EXPECT_EQ(compss::rt::runtime().threads(), 7u);
}

TEST_F(TaskExecutorTest, AConstrainedTaskTheExecutorCanNeverRunFailsTheRun) {
  start();
  call_task<inc_task, &inc>(x);
  EXPECT_EQ(executor->asked(), 0);  // an unconstrained task: never asked about
  EXPECT_FALSE(compss::rt::runtime().failed());
  call_task<huge_inc, &inc>(y);
  EXPECT_EQ(executor->asked(), 1);
  EXPECT_TRUE(compss::rt::runtime().failed());
  executor->run_all();  // (the failed runtime skips the refused task)
  EXPECT_EQ(y, 0);
}

/// The slot of each ran record of `trace` (one task traced alone).
std::map<std::uint64_t, unsigned> ran_slots(compss::rt::observe::TraceRecorder& trace) {
  std::map<std::uint64_t, unsigned> slots;
  trace.direct_records()->drain([&](compss::rt::TraceRecords::ThreadLog& l, const compss::rt::TscToTime&) {
    l.records.for_each([&](const compss::rt::TraceRecord& r) {
      if (static_cast<compss::rt::RecordKind>(r.kind & ~compss::rt::tsc_time) == compss::rt::RecordKind::ran)
        slots[r.a] = r.flag;
    });
  });
  return slots;
}

// A traced attempt reads the thread's kept slot (core/thread_slot.hpp) only when its own
// executor keeps it: a thread that another executor left a slot on (a thread that changed
// executor, or an executor that keeps none) names the slot its executor answers.
TEST_F(TaskExecutorTest, ATracedAttemptNamesTheSlotOfItsOwnExecutor) {
  const compss::rt::ThreadSlot outer = compss::rt::thread_slot;
  for (const std::uint64_t key : {TaskExecutor::no_slot_key, std::uint64_t{77}, std::uint64_t{78}}) {
    start(key);
    auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
    compss::rt::runtime().events().add(trace);
    compss::rt::thread_slot = {77, 9};  // (as executor 77's arena left this thread)
    call_task<inc_task, &inc>(x);
    executor->run_all();
    compss::rt::thread_slot = outer;
    compss::barrier();
    compss::rt::runtime().events().remove(trace.get());
    const std::map<std::uint64_t, unsigned> slots = ran_slots(*trace);
    ASSERT_EQ(slots.size(), 1u) << "key " << key;
    EXPECT_EQ(slots.begin()->second, key == 77 ? 9u : QueueExecutor::asked_slot) << "key " << key;
    shutdown_runtime();
    executor = nullptr;
  }
}

TEST_F(TaskExecutorTest, AFactoryThatMakesNoExecutorIsRefused) {
  EXPECT_THROW(Runtime(false, [](Runtime&) { return std::unique_ptr<TaskExecutor>(); },
                       [](Runtime&, TaskExecutor&) { return std::make_unique<QuietBackend>(); }),
               std::logic_error);
}

}  // namespace
