// AttemptDriver (runtime/net/master/attempt_driver.hpp): the dispatch steps of a remote
// attempt over fakes. Two workers are RemoteExecutors over fake channels
// (net/fake_transport.hpp) that the test answers for; the Runtime, the data plane and the
// cluster (its scheduler places a task on the first live worker it is not told to avoid)
// are fakes that record what the driver asked of them.
#include "core/task_state.hpp"
#include "net/fake_transport.hpp"
#include "net/master/attempt_driver.hpp"
#include "net/attempt_files.hpp"

#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace compss::net;
using namespace std::chrono_literals;
using compss::detail::TaskBase;
using compss::rt::Runtime;

namespace {

constexpr compss::detail::TaskSpec step_spec{"step", "void step(int &)", nullptr, 1};

struct FakeTask final : TaskBase {
  FakeTask() { spec_ = &step_spec; }  // (its one reference is the test's: never freed by the driver)
  void run() override {}
};

/// Builds every request at once (its signature names the node). With `file`, each request
/// names an attempt-private path for it, as for an out file on a worker sharing the
/// master's files (DataPlane::build_request).
class ReadyRequestData final : public RequestData {
 public:
  bool build(TaskBase* t, int node, TaskRequest& request, bool) override {
    if (!lost.empty()) return false;  // (to make again first: lost_inputs)
    if (time_out_while_built) compss::rt::task_state(t).stop.store(true);  // (as the watchdog)
    request.signature = "step on " + std::to_string(node);
    if (!file.empty()) {
      request.params.push_back(WireParam{.direction = static_cast<std::uint8_t>(compss::detail::Direction::out),
                                         .kind = static_cast<std::uint8_t>(compss::detail::ParamKind::file),
                                         .has_value = true,
                                         .value = compss::to_bytes(attempt_files::private_path(file))});
    }
    return true;
  }
  std::string file;
  bool time_out_while_built = false;  // its time-out fires while the request is built
  Versions lost;  // inputs no node holds (made again by the data plane's make_available)
  Versions lost_inputs(const TaskBase&) override { return lost; }
  void received(const TaskBase&, int, const TaskRequest&) override {}
};

/// One log of what the fakes were asked, in order, waited for with a deadline.
class Log {
 public:
  void add(std::string line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
    cv_.notify_all();
  }
  /// False when `line` was not logged within 5 s.
  bool wait_for(const std::string& line) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return std::find(lines_.begin(), lines_.end(), line) != lines_.end(); });
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  int count(const std::string& line) {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count(lines_.begin(), lines_.end(), line));
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

const char* outcome_name(Runtime::Outcome o) {
  switch (o) {
    case Runtime::Outcome::ok: return "ok";
    case Runtime::Outcome::failed: return "failed";
    case Runtime::Outcome::failed_not_retried: return "failed_not_retried";
    case Runtime::Outcome::group_exception: return "group_exception";
  }
  return "?";
}

/// The Runtime: a failed attempt is run again while `retries` last, else the task finishes.
class FakeRuntime final : public AttemptRuntime {
 public:
  explicit FakeRuntime(Log& log) : log_(log) {}
  /// As rt::Runtime's: once the run failed, no task starts (it is reported cancelled).
  bool cancelled_before_start(TaskBase*) override {
    if (failed_run) log_.add("cancelled");
    return failed_run;
  }
  Deadline begin_attempt(TaskBase*) override {
    log_.add("begin");
    failed_run |= fail_after_begin;
    return with_time_out ? Deadline{} + 1h : Runtime::no_deadline;
  }
  bool withdraw_attempt(TaskBase*, Deadline deadline) override {
    if (deadline == Runtime::no_deadline) return true;  // (nothing to disarm)
    log_.add(expired ? "withdraw too late" : "withdraw");
    return !expired;
  }
  /// As rt::Runtime's: expired, the task ends timed out, claimed by `claim` (the watchdog,
  /// or this answer first), and its attempt's end, told later, finds it ended (abandoned).
  bool disarm_attempt(TaskBase* t, Deadline& deadline, double) override {
    if (deadline == Runtime::no_deadline) return true;
    if (expired) {
      log_.add("timed out");
      timed_out = true;
      compss::rt::task_state(t).finish_claim.store(claim);
      if (claim == compss::rt::FinishClaim::watchdog) compss::rt::task_state(t).stop.store(true);
      return false;
    }
    log_.add("disarm");
    deadline = Runtime::no_deadline;
    return true;
  }
  Runtime::AfterAttempt end_attempt(TaskBase*, Deadline deadline, Runtime::Outcome outcome,
                                    const compss::rt::TaskError& error, compss::rt::EventTime) override {
    log_.add(std::string("end ") + outcome_name(outcome) + (error.type.empty() ? "" : " " + error.type) +
             (deadline != Runtime::no_deadline ? " with its deadline" : ""));
    // (rt::Runtime's finds a timed-out task ended only through the deadline it kept.)
    if (timed_out && deadline != Runtime::no_deadline) return Runtime::AfterAttempt::abandoned;
    // (As the Runtime: an attempt that must not run again is not retried.)
    if (outcome != Runtime::Outcome::ok && outcome != Runtime::Outcome::failed_not_retried &&
        retries-- > 0) {
      return Runtime::AfterAttempt::again;
    }
    return Runtime::AfterAttempt::finish;
  }
  void finish(TaskBase*) override { log_.add("finish"); }
  bool observed() override { return false; }
  void notify_started(const TaskBase&, const compss::rt::Allocation&, compss::rt::EventTime) override {}
  void notify_placed(const TaskBase&, int n, unsigned, compss::rt::EventTime) override {
    log_.add("placed on " + std::to_string(n));
  }
  bool failed() override { return failed_run; }
  compss::rt::EventTime answered(const TaskBase&, int, const TaskRequest&, const WorkerTimes&,
                                 compss::rt::EventTime, compss::rt::EventTime, bool) override {
    return 0;
  }
  int retries = 0;
  bool failed_run = false;     // another task failed the run
  bool fail_after_begin = false;  // and did so once an attempt began
  bool with_time_out = false;  // its attempts have a deadline
  bool expired = false;        // which the watchdog has taken by the time it is withdrawn
  bool timed_out = false;      // the task ended timed out (its outcome)
  /// Who ended it timed out: its late answer (disarm_attempt) or the watchdog (body running).
  compss::rt::FinishClaim claim = compss::rt::FinishClaim::late_answer;

 private:
  Log& log_;
};

/// Whether this thread runs a job of the fake cluster's blocking lane now.
thread_local bool on_lane = false;

class FakeData final : public AttemptData {
 public:
  explicit FakeData(Log& log) : log_(log) {}
  void record_outputs(TaskBase*, int n, std::shared_ptr<const TaskRecord> record, TaskDone&,
                      bool ignored_failure) override {
    log_.add("record on " + std::to_string(n) + " of '" + record->signature + "'" +
             (ignored_failure ? " (ignored failure)" : ""));
    if (fail_to_load) throw std::runtime_error("cannot load the output");
    if (partly_moved) throw attempt_files::PartlyMoved("compss: cannot move the second file");
  }
  void discard_late_outputs(int n, const TaskRecord&, const TaskDone& done) override {
    log_.add("discard " + std::to_string(done.outputs.size()) + " late outputs on " + std::to_string(n));
  }
  std::vector<std::string> keep_group_exception_writes(TaskBase*, int n, const TaskRequest& request,
                                                       const TaskFailed*) override {
    log_.add(std::string("keep group writes on ") + std::to_string(n) + (on_lane ? " on the lane" : " off the lane"));
    if (fail_to_record_group) throw compss::Error("compss: cannot record the versions");
    return attempt_files::keep_writes_of_group_exception(request);  // (as on a shared worker)
  }
  void globals_missing(const TaskBase&, int n) override { log_.add("globals missing on " + std::to_string(n)); }
  void make_available(std::span<const std::pair<std::uint64_t, std::uint64_t>> versions) override {
    log_.add("make " + std::to_string(versions.size()) + " available");
    for (ReadyRequestData* d : lost_on) d->lost.clear();
    if (fail_run != nullptr) *fail_run = true;
  }
  std::vector<ReadyRequestData*> lost_on;  // whose lost inputs make_available makes again
  bool* fail_run = nullptr;  // set while the remakes run (another task failed the run)
  bool fail_to_load = false;
  bool partly_moved = false;  // recording moved a file into place, then failed
  bool fail_to_record_group = false;  // a group exception's files' versions not recorded

 private:
  Log& log_;
};

/// A worker node: a RemoteExecutor over a fake channel, the test at its far end.
struct FakeWorker {
  FakeWorker(int node, std::string name) : hello{"s", std::move(name), 1, 1}, link(node, ends.first, hello, "10.0.0.1", [](int, const std::string&) {}) {}
  Hello hello;
  std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> ends = make_fake_pair();
  Endpoint& far = *ends.second;
  ReadyRequestData data;
  WorkerLink link;
  RemoteExecutor executor{link, [](TaskBase*, int, unsigned, unsigned) {}, nullptr, &data};

  /// The next request the worker received (fails the test when none comes within 5 s).
  TaskRequest next_request() {
    Message m;
    EXPECT_FALSE(far.receive(m, 5s)) << "no request reached worker " << link.node();
    auto* r = std::get_if<TaskRequest>(&m);
    EXPECT_NE(r, nullptr);
    return r != nullptr ? *r : TaskRequest{};
  }
};

/// The cluster: its scheduler places a task on the first worker it does not avoid whose
/// connection is open; timers and the lane run their jobs at once.
class FakeCluster final : public AttemptCluster {
 public:
  explicit FakeCluster(Log& log) : log_(log) {}
  RemoteExecutor& worker(int n) override { return workers[static_cast<std::size_t>(n - 1)]->executor; }
  void place(TaskBase* t, int avoid) override {
    log_.add("place avoiding " + std::to_string(avoid));
    for (FakeWorker* w : workers) {
      const int n = w->link.node();
      if (n == avoid || !w->link.alive()) continue;
      if (!driver->resume(t, n, 1, 0, placed_at)) driver->start(t, n, 1, 0, placed_at);
      return;
    }
    log_.add("no node");
  }
  bool release_placement(const TaskBase*, int n) override {
    log_.add("release " + std::to_string(n));
    return true;
  }
  void run_on_master(TaskBase*, unsigned, unsigned, compss::rt::EventTime) override { log_.add("on master"); }
  bool gang_may_start(const TaskBase*, int) override { return true; }
  void gang_paused(const TaskBase*) override {}
  std::vector<compss::detail::TaskHost> gang_hosts(const TaskBase*, int) override { return {}; }
  void returned_after_time_out(const TaskBase*) override { log_.add("returned after its time-out"); }
  void post(std::function<void()> job) override {
    on_lane = true;
    job();
    on_lane = false;
  }
  void after(std::chrono::milliseconds, std::function<void()> job) override { job(); }
  void on_timer(std::chrono::milliseconds pause, std::function<void()> job) override {
    log_.add("pause " + std::to_string(pause.count()) + " ms");
    job();
  }
  std::vector<FakeWorker*> workers;
  AttemptDriver* driver = nullptr;
  compss::rt::EventTime placed_at = 0;  // task events: 0 when not observed

 private:
  Log& log_;
};

struct DriverRun {
  DriverRun() {
    cluster.workers = {&w1, &w2};
    cluster.driver = &driver;
  }
  // The driver gives its reference back after it logged "finish", on a worker's thread:
  // the task (and the fakes) must outlive that (a destroyed task was read, under UBSan).
  ~DriverRun() { driver_let_go(); }
  /// True once only the test's reference is left (waits up to 5 s).
  bool driver_let_go() {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (compss::rt::task_state(task).refs.load() != 1) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
  Log log;
  FakeRuntime runtime{log};
  FakeData data{log};
  FakeCluster cluster{log};
  FakeWorker w1{1, "one"};
  FakeWorker w2{2, "two"};
  AttemptDriver driver{runtime, data, cluster};
  FakeTask task;
};

TEST(AttemptDriver, ASuccessRecordsItsOutputsAndFinishesTheTask) {
  DriverRun r;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  EXPECT_EQ(got.signature, "step on 1");
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "record on 1 of 'step on 1'", "end ok", "finish"}));
  EXPECT_TRUE(r.driver_let_go());  // start's reference given back
}

// An input lost with its worker: the call gives its node back, the input is made again,
// and the call is placed again. Its task events tell one `placed`, where it started
// (before, the first placement, given back before it started, was told too).
TEST(AttemptDriver, ACallPlacedAgainAfterItsRemakesIsToldPlacedOnce) {
  DriverRun r;
  r.cluster.placed_at = 1;  // (observed)
  r.w1.data.lost = {{4, 1}};
  r.data.lost_on = {&r.w1.data};
  r.driver.start(&r.task, 1, 1, 1, /*placed_at=*/1);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "release 1", "make 1 available", "place avoiding -1",
                                                     "placed on 1", "record on 1 of 'step on 1'", "end ok",
                                                     "finish"}));
}

// The run failed (another task) once the call's attempt began, before its lost input
// was made again: nothing is made again (its producer would run for nothing), and the
// call is skipped as a task that never started, its attempt (and time-out) taken back.
// Before, its remakes ran, and only then was it skipped.
TEST(AttemptDriver, ACallWhoseInputWasLostAfterTheRunFailedMakesNothingAgain) {
  DriverRun r;
  r.runtime.with_time_out = true;
  r.runtime.fail_after_begin = true;
  r.cluster.placed_at = 1;
  r.w1.data.lost = {{4, 1}};
  r.data.lost_on = {&r.w1.data};
  r.driver.start(&r.task, 1, 1, 0);
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "release 1", "withdraw", "cancelled", "finish"}));
  EXPECT_TRUE(r.driver_let_go());
}

// The run failed (another task) while the call's lost input was made again: placed
// again after its remakes, the call is not sent (its body would run, its outputs be
// recorded, after the run failed); it ends cancelled, its attempt (and time-out) taken
// back and its placement given back (the Runtime's finish). Before, it was sent.
TEST(AttemptDriver, ACallWhoseRunFailedDuringItsRemakesIsNotSent) {
  DriverRun r;
  r.runtime.with_time_out = true;
  r.cluster.placed_at = 1;
  r.w1.data.lost = {{4, 1}};
  r.data.lost_on = {&r.w1.data};
  r.data.fail_run = &r.runtime.failed_run;
  r.driver.start(&r.task, 1, 1, 0, 1);
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "release 1", "make 1 available",
                                                     "place avoiding -1", "withdraw", "cancelled", "finish"}));
  EXPECT_TRUE(r.driver_let_go());
}

// The call's time-out fires while its request is built (on the lane, it may wait there):
// it is not sent, and neither `placed` nor `started` is told after the watchdog's `ended`
// (its attempt ends abandoned, its node given back). Before, it was sent anyway.
TEST(AttemptDriver, ACallThatTimesOutWhileItsRequestIsBuiltIsNotSent) {
  DriverRun r;
  r.runtime.with_time_out = true;
  r.runtime.timed_out = true;  // (the watchdog ended it)
  r.cluster.placed_at = 1;
  r.w1.data.time_out_while_built = true;
  r.driver.start(&r.task, 1, 1, 0, 1);
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "end ok with its deadline", "release 1"}));
  EXPECT_TRUE(r.driver_let_go());
}

TEST(AttemptDriver, AnAnswerThatAnInputWentMissingResendsAfterAPause) {
  DriverRun r;
  r.driver.start(&r.task, 1, 1, 0);
  TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskFailed{.task_id = got.task_id, .exception_type = "compss::DataMissing", .message = "gone"});
  got = r.w1.next_request();  // sent again, to the same worker (the fake places it there)
  EXPECT_EQ(got.signature, "step on 1");
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "globals missing on 1", "release 1", "pause 20 ms",
                                                     "place avoiding -1", "record on 1 of 'step on 1'", "end ok",
                                                     "finish"}));
}

TEST(AttemptDriver, AnAnswerForALostWorkerPlacesTheAttemptElsewhereWithoutAFailure) {
  DriverRun r;
  r.driver.start(&r.task, 1, 1, 0);
  r.w1.next_request();
  r.w1.far.close();  // worker 1 dies while it runs the task
  const TaskRequest got = r.w2.next_request();
  EXPECT_EQ(got.signature, "step on 2");
  r.w2.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  const std::vector<std::string> lines = r.log.lines();
  EXPECT_EQ(r.log.count("begin"), 1);   // the same attempt, moved
  EXPECT_EQ(r.log.count("end ok"), 1);  // and it ended once, well
  EXPECT_EQ(r.log.count("release 1"), 1);
  EXPECT_EQ(r.log.count("place avoiding 1"), 1);
  EXPECT_EQ(r.log.count("record on 2 of 'step on 2'"), 1);
  EXPECT_EQ(lines.back(), "finish");
}

TEST(AttemptDriver, AFailureTheRuntimeRetriesRunsAgainAvoidingItsNode) {
  DriverRun r;
  r.runtime.retries = 1;
  r.driver.start(&r.task, 1, 1, 0);
  TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskFailed{.task_id = got.task_id, .exception_type = "std::runtime_error", .message = "boom"});
  got = r.w2.next_request();
  r.w2.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(),
            (std::vector<std::string>{"begin", "end failed std::runtime_error", "begin", "release 1",
                                      "place avoiding 1", "record on 2 of 'step on 2'", "end ok", "finish"}));
}

constexpr compss::detail::TaskSpec ignored_spec{.name = "step",
                                                .signature = "void step(int &)",
                                                .params = nullptr,
                                                .param_count = 1,
                                                .on_failure = compss::detail::OnFailure::ignore};

/// A failure that carries what the body wrote (as a worker sends it under ignore).
TaskFailed failed_with_writes(std::uint64_t task_id, std::string type = "std::runtime_error") {
  return TaskFailed{.task_id = task_id,
                    .exception_type = std::move(type),
                    .message = "boom",
                    .outputs = {WireParam{.data_id = 4, .version = 2}},
                    .ignored_writes = true};
}

// on_failure(ignore): what the body wrote before it threw is recorded (its successors read
// it, as in a local run), then the attempt ends failed for the policy. Before, it was
// dropped and successors read the values from before the task.
TEST(AttemptDriver, AnIgnoredFailureRecordsWhatItsBodyWroteThenEndsFailed) {
  DriverRun r;
  r.task.spec_ = &ignored_spec;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(failed_with_writes(got.task_id));
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(),
            (std::vector<std::string>{"begin", "record on 1 of 'step on 1' (ignored failure)",
                                      "end failed std::runtime_error", "finish"}));
}

// Only under ignore (a retried or failing task's writes never stand), and only when the
// worker says the writes stand (a compss::Exception's outputs are files for its group).
TEST(AttemptDriver, OtherFailuresCarryingWritesRecordNothing) {
  {
    DriverRun r;  // on_failure(retry), its last attempt: what the worker stored is released
    r.driver.start(&r.task, 1, 1, 0);
    const TaskRequest got = r.w1.next_request();
    r.w1.far.send(failed_with_writes(got.task_id));
    ASSERT_TRUE(r.log.wait_for("finish"));
    EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "discard 1 late outputs on 1",
                                                       "end failed std::runtime_error", "finish"}));
  }
  {
    DriverRun r;
    r.task.spec_ = &ignored_spec;
    r.driver.start(&r.task, 1, 1, 0);
    const TaskRequest got = r.w1.next_request();
    TaskFailed group_files = failed_with_writes(got.task_id, "compss::Exception");
    group_files.ignored_writes = false;
    r.w1.far.send(group_files);
    ASSERT_TRUE(r.log.wait_for("finish"));
    EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "end failed compss::Exception", "finish"}));
  }
}

// Its deadline passed before the answer was read: the writes are released as a late
// answer's, and the task ends timed out (nothing recorded).
TEST(AttemptDriver, AnIgnoredFailureAfterItsDeadlineRecordsNothing) {
  DriverRun r;
  r.task.spec_ = &ignored_spec;
  r.runtime.with_time_out = true;
  r.runtime.expired = true;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(failed_with_writes(got.task_id));
  ASSERT_TRUE(r.log.wait_for("discard 1 late outputs on 1"));
  EXPECT_EQ(r.log.count("record on 1 of 'step on 1'"), 0);
  EXPECT_EQ(r.log.count("timed out"), 1);
}

// A file the attempt wrote at its private path is removed when its answer is not recorded
// (a failure here; also a time-out, a loss, a resend): a retry writes a path of its own,
// and only a recorded answer's file is left for the data plane to move into place.
TEST(AttemptDriver, AnAttemptThatFailsRemovesItsPrivateFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss-driver-files-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  DriverRun r;
  r.runtime.retries = 1;
  r.w1.data.file = r.w2.data.file = (dir / "f.txt").string();
  auto write_as_worker = [](const TaskRequest& got) {
    std::string path;
    compss::from_bytes(got.params.at(0).value, path);
    std::ofstream(path) << "written";
    return path;
  };
  r.driver.start(&r.task, 1, 1, 0);
  TaskRequest got = r.w1.next_request();
  const std::string first = write_as_worker(got);
  r.w1.far.send(TaskFailed{.task_id = got.task_id, .exception_type = "std::runtime_error", .message = "boom"});
  got = r.w2.next_request();
  const std::string second = write_as_worker(got);
  EXPECT_NE(first, second);
  r.w2.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_TRUE(r.driver_let_go());
  EXPECT_FALSE(std::filesystem::exists(first));
  EXPECT_TRUE(std::filesystem::exists(second));  // (recorded: the fake data plane moves nothing)
  std::filesystem::remove_all(dir);
}

// Every answer whose outputs are not recorded has its private files removed by the driver
// (the data plane leaves them alone): a late one after its time-out, one whose deadline
// expired as it came, one whose outputs cannot be loaded, one whose files were partly
// moved into place. (Before, the data plane removed them for a late answer and a failed
// record, and the driver again.)
TEST(AttemptDriver, AnAnswerNotRecordedHasItsPrivateFileRemoved) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss-driver-unrecorded-" + std::to_string(::getpid()));
  for (const char* why : {"late", "expired", "cannot load", "partly moved"}) {
    SCOPED_TRACE(why);
    std::filesystem::create_directories(dir);
    std::string mine;
    {
      DriverRun r;
      r.w1.data.file = (dir / "f.txt").string();
      const std::string w = why;
      r.runtime.with_time_out = r.runtime.expired = w == "expired";
      r.data.fail_to_load = w == "cannot load";
      r.data.partly_moved = w == "partly moved";
      r.driver.start(&r.task, 1, 1, 0);
      const TaskRequest got = r.w1.next_request();
      compss::from_bytes(got.params.at(0).value, mine);
      std::ofstream(mine) << "written";
      if (w == "late") compss::rt::task_state(r.task).stop.store(true);  // the watchdog's time_out
      r.w1.far.send(TaskDone{got.task_id, {}});
      EXPECT_TRUE(r.driver_let_go());
      // (The guard removes it as the answer's step returns, after the task's end.)
      for (int i = 0; i < 500 && std::filesystem::exists(mine); ++i) std::this_thread::sleep_for(10ms);
      compss::rt::task_state(r.task).stop.store(false);
    }
    EXPECT_FALSE(std::filesystem::exists(mine)) << mine;
    std::filesystem::remove_all(dir);
  }
}

// A run that ends without waiting for an answer (a timed-out body still running: the
// master exits) removes the private files the unanswered requests named (an inout file's
// copy was made when the request was built); an answered one's are no longer its to
// remove (here recorded: kept). Before, they stayed.
TEST(AttemptDriver, TheRunsEndRemovesThePrivateFilesOfRequestsNotAnswered) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss-driver-run-end-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  DriverRun r;
  FakeTask abandoned;
  r.w1.data.file = r.w2.data.file = (dir / "f.txt").string();
  auto write_as_worker = [](const TaskRequest& got) {
    std::string path;
    compss::from_bytes(got.params.at(0).value, path);
    std::ofstream(path) << "written";
    return path;
  };
  r.driver.start(&r.task, 1, 1, 0);
  TaskRequest got = r.w1.next_request();
  const std::string recorded = write_as_worker(got);
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  r.driver.start(&abandoned, 2, 1, 0);
  got = r.w2.next_request();
  const std::string unanswered = write_as_worker(got);
  EXPECT_EQ(r.driver.unanswered_files().size(), 1U);
  r.driver.unanswered_files().remove_all();  // the run ends (Cluster::tell_run_ended)
  EXPECT_TRUE(std::filesystem::exists(recorded));
  EXPECT_FALSE(std::filesystem::exists(unanswered));
  compss::rt::task_state(abandoned).stop.store(true);  // (it had timed out) its late answer
  r.w2.far.send(TaskDone{got.task_id, {}});
  for (int i = 0; i < 500 && compss::rt::task_state(abandoned).refs.load() != 1; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(r.driver.unanswered_files().size(), 0U);
  std::filesystem::remove_all(dir);
}

// A task that raised compss::Exception in a group keeps what it wrote, as in a local or
// sequential run (the group's handler reads it): its private file is moved into place,
// though the attempt failed (examples/cancellation under --workers 3 --master-cores 0).
TEST(AttemptDriver, ATaskThatRaisedCompssExceptionInAGroupKeepsWhatItWrote) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("compss-driver-group-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "f.txt";
  std::ofstream(file) << "before";
  DriverRun r;
  int group = 0;  // (the driver only asks whether the task is in a group)
  compss::rt::task_state(r.task).group = &group;
  r.w1.data.file = file.string();
  r.driver.start(&r.task, 1, 1, 0);
  TaskRequest got = r.w1.next_request();
  std::string mine;
  compss::from_bytes(got.params.at(0).value, mine);
  ASSERT_NE(mine, file.string());  // (a private path)
  std::ofstream(mine) << "before, then the thrower's write";
  r.w1.far.send(TaskFailed{.task_id = got.task_id, .exception_type = "compss::Exception", .message = "raised"});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_TRUE(r.driver_let_go());
  compss::rt::task_state(r.task).group = nullptr;
  bool ended_as_group_exception = false;
  for (const std::string& line : r.log.lines()) {
    ended_as_group_exception |= line.rfind("end group_exception", 0) == 0;
  }
  EXPECT_TRUE(ended_as_group_exception);
  // The data plane keeps them (each a new master-held version), on the lane: disk work
  // never runs on the link's receiver.
  EXPECT_EQ(r.log.count("keep group writes on 1 on the lane"), 1);
  EXPECT_FALSE(std::filesystem::exists(mine));
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "before, then the thrower's write");
  std::filesystem::remove_all(dir);
}

// A task not in a group that raised compss::Exception fails as any failure: the files
// its failure answer carries are not written, nor are its private files moved (locally
// a failed task's writes are its own business, and no handler reads them).
TEST(AttemptDriver, AFailureOutsideAGroupKeepsNothingItWrote) {
  DriverRun r;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  TaskFailed failed{.task_id = got.task_id, .exception_type = "compss::Exception", .message = "raised"};
  failed.outputs.push_back(WireParam{.version = 0, .kind = static_cast<std::uint8_t>(compss::detail::ParamKind::file),
                                     .has_value = true, .value = compss::to_bytes(std::string("new"))});
  r.w1.far.send(std::move(failed));
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_TRUE(r.driver_let_go());
  for (const std::string& line : r.log.lines()) EXPECT_EQ(line.rfind("keep group writes", 0), std::string::npos) << line;
  EXPECT_EQ(r.log.count("end failed compss::Exception"), 1) << ::testing::PrintToString(r.log.lines());
}

// A group exception's files were kept but their new versions could not be recorded: a
// copy a worker keeps would still be named the latest. The task fails clearly (not as
// the group's compss::Exception), without another attempt (it would read those files).
TEST(AttemptDriver, AGroupExceptionsFilesWhoseVersionsCannotBeRecordedFailTheTask) {
  DriverRun r;
  int group = 0;
  compss::rt::task_state(r.task).group = &group;
  r.data.fail_to_record_group = true;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskFailed{.task_id = got.task_id, .exception_type = "compss::Exception", .message = "raised"});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_TRUE(r.driver_let_go());
  compss::rt::task_state(r.task).group = nullptr;
  EXPECT_EQ(r.log.count("end failed_not_retried compss::Error"), 1) << ::testing::PrintToString(r.log.lines());
  EXPECT_EQ(r.log.count("end group_exception compss::Exception"), 0);
}

// Recording moved a file into place and then could not move the next: the moved file
// cannot be put back, so the task fails without another attempt (it would read it).
TEST(AttemptDriver, OutputsPartlyMovedIntoPlaceFailTheTaskWithoutARetry) {
  DriverRun r;
  r.runtime.retries = 1;
  r.data.partly_moved = true;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "record on 1 of 'step on 1'",
                                                     "end failed_not_retried compss::Error", "finish"}));
}

TEST(AttemptDriver, AnOutputThatCannotBeLoadedFailsTheAttempt) {
  DriverRun r;
  r.data.fail_to_load = true;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.count("end failed compss::Error"), 1);
  EXPECT_EQ(r.log.count("end ok"), 0);
}

// The master gave the attempt up (time_out) before its worker answered: the worker stored
// the outputs under the numbers the request named. They are not recorded, and are
// released there (before, they stayed unnamed in its store, where a later reader of that
// number would read them first).
TEST(AttemptDriver, ALateAnswerAfterATimeOutDiscardsItsOutputsOnItsWorker) {
  DriverRun r;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  compss::rt::task_state(r.task).stop.store(true);  // the watchdog's time_out
  TaskDone done{got.task_id, {}};
  done.outputs.push_back(WireParam{.data_id = 4, .version = 7ull << 32});
  r.w1.far.send(std::move(done));
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"begin", "discard 1 late outputs on 1", "end ok", "finish"}));
  EXPECT_TRUE(r.driver_let_go());
  compss::rt::task_state(r.task).stop.store(false);
}

TEST(AttemptDriver, AnAttemptPlacedOnTheMasterRunsThereWithItsAttemptWithdrawn) {
  DriverRun r;
  auto call = std::make_shared<RemoteAttempt>();
  call->task = &r.task;
  call->node = 0;
  compss::rt::add_ref(&r.task);  // (start's, given back when it goes to the master)
  r.driver.send(call, false);
  EXPECT_EQ(r.log.lines(), std::vector<std::string>{"on master"});
  EXPECT_EQ(compss::rt::task_state(r.task).refs.load(), 1);
}

// Its time-out fired as it was placed on the master: it ends timed out, as when the
// watchdog claims it (before, it could end failed with an error of type compss::TimeOut),
// and never runs there.
TEST(AttemptDriver, AnAttemptWhoseTimeOutFiredAsItMovesToTheMasterEndsTimedOut) {
  DriverRun r;
  r.runtime.expired = true;
  auto call = std::make_shared<RemoteAttempt>();
  call->task = &r.task;
  call->node = 0;
  call->deadline = AttemptRuntime::Deadline{} + 1h;  // (armed, and taken by the watchdog)
  compss::rt::add_ref(&r.task);  // (start's, given back by the attempt's end)
  r.driver.send(call, false);
  EXPECT_TRUE(r.runtime.timed_out);
  EXPECT_EQ(r.log.lines(), (std::vector<std::string>{"withdraw too late", "timed out", "end ok with its deadline"}));
  EXPECT_TRUE(r.driver_let_go());
}

// An attempt with a time-out: its deadline is disarmed before its outputs are recorded,
// so the watchdog cannot end it as timed out while they are (it sets `stop` without a lock
// of the driver's); the attempt then ends without a deadline.
TEST(AttemptDriver, AnAnswerInTimeDisarmsItsDeadlineBeforeItsOutputsAreRecorded) {
  DriverRun r;
  r.runtime.with_time_out = true;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(r.log.wait_for("finish"));
  EXPECT_EQ(r.log.lines(),
            (std::vector<std::string>{"begin", "disarm", "record on 1 of 'step on 1'", "end ok", "finish"}));
}

// The deadline expired as the answer arrived (the watchdog took it): nothing is recorded,
// its outputs are released on its worker, and the task ends timed out, as when the watchdog
// claims it (before, it could end failed with an error of type compss::TimeOut: another
// outcome, report and task event); the attempt's end then finds it ended. Claimed by the
// answer, its body had ended: no restart of the worker is awaited (before, the cluster was
// told it "returned after its time-out", as for a body the watchdog left running).
TEST(AttemptDriver, AnAnswerWhoseDeadlineJustExpiredRecordsNothingAndEndsTimedOut) {
  for (auto claim : {compss::rt::FinishClaim::late_answer, compss::rt::FinishClaim::watchdog}) {
    SCOPED_TRACE(claim == compss::rt::FinishClaim::watchdog ? "claimed by the watchdog" : "claimed by the answer");
    DriverRun r;
    r.runtime.with_time_out = true;
    r.runtime.expired = true;
    r.runtime.claim = claim;
    r.driver.start(&r.task, 1, 1, 0);
    const TaskRequest got = r.w1.next_request();
    TaskDone done{got.task_id, {}};
    done.outputs.push_back(WireParam{.data_id = 4, .version = 7ull << 32});
    r.w1.far.send(std::move(done));
    ASSERT_TRUE(r.log.wait_for("release 1"));
    EXPECT_TRUE(r.runtime.timed_out);
    std::vector<std::string> expected{"begin", "timed out", "discard 1 late outputs on 1", "end ok with its deadline",
                                      "returned after its time-out", "release 1"};
    if (claim == compss::rt::FinishClaim::late_answer) expected.erase(expected.begin() + 4);
    EXPECT_EQ(r.log.lines(), expected);
    EXPECT_TRUE(r.driver_let_go());
  }
}

// A group's compss::Exception answered just after the attempt's time-out expired: the
// task ends timed out (its successors may run at once), so what it wrote is not kept
// (it could land over a successor's file): nothing is asked of the data plane.
TEST(AttemptDriver, AGroupExceptionAnsweredAfterItsTimeOutKeepsNothing) {
  DriverRun r;
  int group = 0;
  compss::rt::task_state(r.task).group = &group;
  r.runtime.with_time_out = true;
  r.runtime.expired = true;
  r.runtime.claim = compss::rt::FinishClaim::late_answer;
  r.driver.start(&r.task, 1, 1, 0);
  const TaskRequest got = r.w1.next_request();
  r.w1.far.send(TaskFailed{.task_id = got.task_id, .exception_type = "compss::Exception", .message = "raised"});
  ASSERT_TRUE(r.log.wait_for("release 1"));
  compss::rt::task_state(r.task).group = nullptr;
  EXPECT_TRUE(r.runtime.timed_out);
  for (const std::string& line : r.log.lines()) EXPECT_EQ(line.rfind("keep group writes", 0), std::string::npos) << line;
  EXPECT_TRUE(r.driver_let_go());
}

}  // namespace
