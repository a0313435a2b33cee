// Runtime::disarm_attempt (core/runtime.hpp): the answer of an attempt whose body ran
// elsewhere, over a Backend that runs nothing itself (the test plays a master-worker run's
// dispatch). An answer that finds the deadline taken by the watchdog, not yet claimed,
// ends the task timed out as the watchdog would (the same event and policy), its report
// saying it answered late, and is not counted as still running (Runtime::abandoned).
#include "core/runtime.hpp"
#include "core/task_state.hpp"
#include "local/make_runtime.hpp"

#include "failure_test_support.hpp"
#include "idle_backend.hpp"

#include <compss/detail/call_task.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

using namespace compss::detail;
using compss::rt::Backend;
using compss::rt::LocalExecutor;
using compss::rt::Runtime;
using compss_test::contains;

namespace {

void remote() {}
constexpr TaskSpec remote_task{.name = "remote", .signature = "void remote()", .params = nullptr,
                               .param_count = 0, .on_failure = OnFailure::ignore};

/// Keeps every ready task for the test (they "run elsewhere"); node 1 is "far".
class ParkingBackend final : public compss_test::IdleBackend {
 public:
  ParkingBackend() : IdleBackend(false) {}
  void ready(TaskBase* t) override {
    std::lock_guard lock(mutex);
    parked.push_back(t);
  }
  std::string node_name(int node) const override { return node == 1 ? "far" : "master"; }
  std::mutex mutex;
  std::vector<TaskBase*> parked;
};

/// A one-shot gate an observer's call may wait at, on the watchdog's thread.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  bool reached = false;
  void wait() {
    std::unique_lock lock(mutex);
    reached = true;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  bool wait_reached() {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return reached; });
  }
  void let_go() {
    std::lock_guard lock(mutex);
    open = true;
    cv.notify_all();
  }
};

/// Records each task's last event; holds the watchdog's thread at the end of the tasks
/// given a gate.
struct Ends final : compss::rt::TaskObserver {
  void on_ended(const compss::rt::TaskEnded& e) override {
    {
      std::lock_guard lock(mutex);
      outcome[e.task_id] = e.outcome;
      error[e.task_id] = std::string(e.error_type) + ": " + std::string(e.error_message) + " on " +
                         std::string(e.error_where);
    }
    if (auto it = gates.find(e.task_id); it != gates.end()) it->second->wait();
  }
  /// (outcome, error) as told so far, copied under the lock.
  std::pair<std::map<std::uint64_t, compss::rt::TaskOutcome>, std::map<std::uint64_t, std::string>> taken() {
    std::lock_guard lock(mutex);
    return {outcome, error};
  }
  std::mutex mutex;
  std::map<std::uint64_t, compss::rt::TaskOutcome> outcome;
  std::map<std::uint64_t, std::string> error;
  std::map<std::uint64_t, Gate*> gates;  // (set before any task is armed)
};

using DisarmAttempt = compss_test::FailureTest;

/// Installs a runtime over `backend` and submits `n` remote tasks: they are parked there
/// (not run), returned in order.
std::vector<TaskBase*> parked_remote_tasks(std::unique_ptr<ParkingBackend> backend_owner, std::size_t n) {
  ParkingBackend* backend = backend_owner.get();
  compss::rt::install_runtime(compss::rt::make_runtime(
      2, false, [&](Runtime&, LocalExecutor&) -> std::unique_ptr<Backend> { return std::move(backend_owner); }));
  for (std::size_t i = 0; i < n; ++i) call_task<remote_task, &remote>();
  std::vector<TaskBase*> tasks;
  for (int i = 0; i < 1000 && tasks.size() < n; ++i) {
    compss_test::pause_ms(1);
    std::lock_guard lock(backend->mutex);
    tasks = backend->parked;
  }
  return tasks;
}

// Three attempts "on worker 1" with time-outs of 50, 60 and 70 ms. The watchdog's thread
// is held at the first one's end until all three deadlines passed, then at the second's:
// the third's deadline is taken (out of the watchdog's list) but not yet claimed when its
// answer arrives. Before, that answer ended it failed (an error of type compss::TimeOut,
// reported as "failed"); it ends timed out, as the two the watchdog claimed, but is not
// counted among the timed-out tasks still running, and its report says it answered late.
TEST_F(DisarmAttempt, AnAnswerAfterTheDeadlineWasTakenEndsTheTaskTimedOutAsTheWatchdogWould) {
  const std::vector<TaskBase*> tasks = parked_remote_tasks(std::make_unique<ParkingBackend>(), 3);
  Runtime& rt = compss::rt::runtime();
  auto ends = std::make_shared<Ends>();
  Gate first, second;
  ASSERT_EQ(tasks.size(), 3U);
  std::vector<std::uint64_t> ids;  // (read now: a task is freed once its attempt ended)
  for (TaskBase* t : tasks) ids.push_back(t->id());
  ends->gates = {{ids[0], &first}, {ids[1], &second}};
  rt.events().add(ends);
  std::vector<compss::rt::Watchdog::Clock::time_point> deadlines;
  for (int i = 0; i < 3; ++i) {
    compss::rt::task_state(tasks[i]).node = 1;  // (placed on worker 1)
    deadlines.push_back(rt.begin_attempt(tasks[i], 0.05 + 0.01 * i));
  }
  ASSERT_TRUE(first.wait_reached());
  compss_test::pause_ms(200);  // every deadline passed
  first.let_go();
  ASSERT_TRUE(second.wait_reached());  // the third one's deadline is taken, not claimed
  EXPECT_FALSE(rt.disarm_attempt(tasks[2], deadlines[2], 0.07));
  // Its body ended (it answered): only the two the watchdog claimed are still running.
  // (Before, it was counted too: a run ending now exited without shutting down.)
  EXPECT_EQ(rt.abandoned(), 2);
  // (Its end finds it ended; else the attempt's end finishes it here, as a cluster would.)
  auto end = [&](int i) {
    const Runtime::AfterAttempt after = rt.end_attempt(tasks[i], deadlines[i], Runtime::Outcome::ok, {});
    EXPECT_EQ(after, Runtime::AfterAttempt::abandoned) << ids[i];
    if (after == Runtime::AfterAttempt::finish) rt.finish(tasks[i]);
  };
  end(2);
  second.let_go();
  end(0);
  end(1);
  rt.wait_all();
  EXPECT_EQ(rt.abandoned(), 0);
  auto [outcome, error] = ends->taken();
  for (std::uint64_t id : ids) EXPECT_EQ(outcome[id], compss::rt::TaskOutcome::timed_out) << id;
  EXPECT_EQ(error[ids[0]], "compss::TimeOut: timed out after 0.05 s (time_out); its thread still runs it on far");
  EXPECT_EQ(error[ids[2]], "compss::TimeOut: timed out after 0.07 s (time_out); it had not answered by then on far");
  const std::string r = report();
  EXPECT_TRUE(contains(r, "task 'remote' (id " + std::to_string(ids[2]) + ") timed out, ignored")) << r;
}

// Two attempts "on worker 1" with time-outs of 50 and 150 ms. The watchdog's thread is held
// at the first one's end until the second's deadline passed too, still in its list: an
// answer then is late, as after the watchdog took it (the clock decides, not whether its
// thread woke). Before, disarm found the entry and the answer ended the task in time: a
// worker's body that stopped at its deadline (TaskRequest::time_left_ms) and answered a
// few ms later had its partial result recorded as a success.
TEST_F(DisarmAttempt, AnAnswerAfterTheDeadlineIsLateEvenBeforeTheWatchdogsThreadWakesForIt) {
  const std::vector<TaskBase*> tasks = parked_remote_tasks(std::make_unique<ParkingBackend>(), 2);
  ASSERT_EQ(tasks.size(), 2U);
  Runtime& rt = compss::rt::runtime();
  auto ends = std::make_shared<Ends>();
  Gate first;
  std::vector<std::uint64_t> ids;
  for (TaskBase* t : tasks) ids.push_back(t->id());
  ends->gates = {{ids[0], &first}};
  rt.events().add(ends);
  std::vector<compss::rt::Watchdog::Clock::time_point> deadlines;
  for (int i = 0; i < 2; ++i) {
    compss::rt::task_state(tasks[i]).node = 1;
    deadlines.push_back(rt.begin_attempt(tasks[i], i == 0 ? 0.05 : 0.15));
  }
  ASSERT_TRUE(first.wait_reached());
  compss_test::pause_ms(300);  // the second's deadline passed; the watchdog waits at the first's end
  EXPECT_FALSE(rt.disarm_attempt(tasks[1], deadlines[1], 0.15));
  EXPECT_EQ(rt.abandoned(), 1);  // the first only: the second answered
  auto end = [&](int i) {
    const Runtime::AfterAttempt after = rt.end_attempt(tasks[i], deadlines[i], Runtime::Outcome::ok, {});
    EXPECT_EQ(after, Runtime::AfterAttempt::abandoned) << ids[i];
    if (after == Runtime::AfterAttempt::finish) rt.finish(tasks[i]);
  };
  end(1);
  first.let_go();  // (the watchdog then takes the second's entry: already ended, nothing told)
  end(0);
  rt.wait_all();
  EXPECT_EQ(rt.abandoned(), 0);
  auto [outcome, error] = ends->taken();
  for (std::uint64_t id : ids) EXPECT_EQ(outcome[id], compss::rt::TaskOutcome::timed_out) << id;
  EXPECT_EQ(error[ids[1]], "compss::TimeOut: timed out after 0.15 s (time_out); it had not answered by then on far");
}

}  // namespace
