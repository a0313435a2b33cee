// Task events (runtime/core/events.hpp): the sequence a test observer sees for known local
// programs (a chain, a fan-out/fan-in, a retried task, a cancelled group, a timed-out
// task, waits), the guarantees every sequence keeps (event_checker.hpp), and a trace's
// records written by the runtime itself (core/trace_records.hpp).
#include "core/progress.hpp"
#include "core/runtime.hpp"
#include "core/thread_slot.hpp"
#include "core/trace_records.hpp"
#include "event_checker.hpp"
#include "observe/observer_group.hpp"
#include "observe/task_graph.hpp"
#include "observe/trace_recorder.hpp"
#include "failure_test_support.hpp"

#include <compss/detail/call_task.hpp>
#include <compss/exception.hpp>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>

using namespace compss::detail;
using compss_test::EventLog;
using compss_test::FailureTest;
using compss::rt::Dependency;
using compss::rt::TaskOutcome;
using Story = std::vector<std::string>;

namespace {

void inc(int& x) { ++x; }
void copy_to(const int& x, int& y) { y = x; }
void sum4(const int& a, const int& b, const int& c, const int& d, int& out) { out = a + b + c + d; }

std::atomic<int> failures_left{0};
void flaky(int& x) {
  if (failures_left.fetch_sub(1) > 0) throw std::runtime_error("not yet");
  ++x;
}
void throw_in_group(int& x) {
  ++x;
  throw compss::Exception("enough");
}
std::atomic<bool> release_stuck{false};
/// Its thread's slot in the executor's arena, as TBB tells it inside the body.
/// Bodies of slot_of_body that found their thread's slot kept under `slot_key_sought`.
std::atomic<std::uint64_t> slot_key_sought{0};
std::atomic<int> bodies_with_the_key{0};
void slot_of_body(int& x) {
  compss_test::pause_ms(1);
  x = tbb::this_task_arena::current_thread_index();
  if (compss::rt::thread_slot.of == slot_key_sought.load()) ++bodies_with_the_key;
}
void stuck(int& x) {
  for (int i = 0; i < 10000 && !release_stuck.load(); ++i) compss_test::pause_ms(1);
  ++x;
}

constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr ParamSpec in_x_out_y[] = {{Direction::in, ParamKind::object, "x"},
                                    {Direction::out, ParamKind::object, "y"}};
constexpr ParamSpec four_in_one_out[] = {{Direction::in, ParamKind::object, "a"},
                                         {Direction::in, ParamKind::object, "b"},
                                         {Direction::in, ParamKind::object, "c"},
                                         {Direction::in, ParamKind::object, "d"},
                                         {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec inc_task{"inc", "void inc(int &)", inout_x, 1};
constexpr TaskSpec copy_task{"copy_to", "void copy_to(const int &, int &)", in_x_out_y, 2};
constexpr TaskSpec sum_task{"sum4", "void sum4(const int &, const int &, const int &, const int &, int &)",
                            four_in_one_out, 5};
constexpr TaskSpec hold_task{"stuck", "void stuck(int &)", inout_x, 1};
constexpr TaskSpec slot_task{"slot_of_body", "void slot_of_body(int &)", inout_x, 1};
constexpr TaskSpec flaky_task{"flaky", "void flaky(int &)", inout_x, 1};  // on_failure retry
constexpr TaskSpec thrower_task{"throw_in_group", "void throw_in_group(int &)", inout_x, 1};
constexpr TaskSpec stuck_task{.name = "stuck", .signature = "void stuck(int &)", .params = inout_x,
                              .param_count = 1, .on_failure = OnFailure::ignore, .time_out = 0.05};

/// A runtime with a recording observer installed before the first task.
class Events : public FailureTest {
 protected:
  void SetUp() override {
    FailureTest::SetUp();
    start_runtime();
    compss::rt::runtime().events().add(log);
  }
  /// The guarantees hold for the whole run (the only node of a local run is 0).
  void expect_guarantees() {
    compss::barrier();
    for (const std::string& problem : log->check({0})) ADD_FAILURE() << problem;
  }
  std::shared_ptr<EventLog> log = std::make_shared<EventLog>();
};

std::vector<std::uint64_t> dependency_tasks(const std::vector<Dependency>& deps) {
  std::vector<std::uint64_t> ids;
  for (const Dependency& d : deps) ids.push_back(d.task_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_F(Events, ChainWaitsForEachPredecessorOnTheVersionItMade) {
  release_stuck = false;
  int x = 0;
  call_task<hold_task, &stuck>(x);  // holds the chain back: every edge exists at submission
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  release_stuck = true;
  compss::wait_on(x);
  EXPECT_EQ(x, 4);
  expect_guarantees();
  auto tasks = log->tasks();
  ASSERT_EQ(log->ids_of("inc"), (std::vector<std::uint64_t>{2, 3, 4}));
  const std::uint64_t datum = tasks[1].data.at(0).data_id;
  EXPECT_EQ(tasks[1].data.at(0).version, 1u);  // inout: the version it makes
  EXPECT_EQ(tasks[4].data.at(0).version, 4u);
  for (std::uint64_t id : {2, 3, 4}) {
    ASSERT_EQ(tasks[id].dependencies.size(), 1u) << id;
    const Dependency& d = tasks[id].dependencies[0];
    EXPECT_EQ(d.task_id, id - 1);
    EXPECT_EQ(d.data_id, datum);
    EXPECT_EQ(d.version, id - 1);  // the version its predecessor made
  }
  EXPECT_TRUE(tasks[1].dependencies.empty());
  for (std::uint64_t id : {1, 2, 3, 4}) {
    EXPECT_EQ(log->story(id), (Story{"submitted", "ready", "started 1", "ended success 1"}));
  }
  // The wait_on began and ended, then the barrier of expect_guarantees.
  auto waits = log->activities();
  ASSERT_EQ(waits.size(), 4u);
  EXPECT_EQ(waits[0].kind, compss::rt::Activity::wait_on);
  EXPECT_TRUE(waits[0].begin);
  EXPECT_FALSE(waits[1].begin);
  EXPECT_GE(waits[1].time, waits[0].time);
  EXPECT_EQ(waits[2].kind, compss::rt::Activity::barrier);
}

TEST_F(Events, FanOutFanInDependsOnEveryBranch) {
  release_stuck = false;
  int gate = 0, x = 0, y[4] = {}, total = 0;
  // The gate holds the first writer back, so every later edge exists at submission.
  call_task<hold_task, &stuck>(gate);
  call_task<copy_task, &copy_to>(gate, x);                               // 2: writes x
  for (int& yi : y) call_task<copy_task, &copy_to>(x, yi);               // 3..6: read x
  call_task<sum_task, &sum4>(y[0], y[1], y[2], y[3], total);             // 7: reads every y
  release_stuck = true;
  compss::wait_on(total);
  EXPECT_EQ(total, 4);
  expect_guarantees();
  auto tasks = log->tasks();
  EXPECT_EQ(dependency_tasks(tasks[2].dependencies), (std::vector<std::uint64_t>{1}));
  for (std::uint64_t id = 3; id <= 6; ++id) {
    EXPECT_EQ(dependency_tasks(tasks[id].dependencies), (std::vector<std::uint64_t>{2})) << id;
  }
  EXPECT_EQ(dependency_tasks(tasks[7].dependencies), (std::vector<std::uint64_t>{3, 4, 5, 6}));
  // Ready comes after the ended of every branch.
  auto events = log->events();
  std::size_t sum_ready = 0, last_branch_end = 0;
  for (const auto& e : events) {
    if (e.task == 7 && e.kind == compss_test::SeenEvent::Kind::ready) sum_ready = e.seq;
    if (e.task >= 3 && e.task <= 6 && e.kind == compss_test::SeenEvent::Kind::ended) {
      last_branch_end = std::max(last_branch_end, e.seq);
    }
  }
  EXPECT_GT(sum_ready, last_branch_end);
}

TEST_F(Events, RetriedTaskHasOneStartedAndEndedPerAttempt) {
  failures_left = 2;
  int x = 0;
  call_task<flaky_task, &flaky>(x);
  compss::wait_on(x);
  EXPECT_EQ(x, 1);
  expect_guarantees();
  EXPECT_EQ(log->story(1), (Story{"submitted", "ready", "started 1", "ended failed 1 retry",
                                  "started 2", "ended failed 2 retry", "started 3",
                                  "ended success 3"}));
}

TEST_F(Events, CancelledGroupEndsItsTasksCancelledWithoutStarting) {
  int x = 0, y = 0, z = 0;
  try {
    compss::TaskGroup g("doomed");
    call_task<thrower_task, &throw_in_group>(x);  // 1: throws compss::Exception
    call_task<copy_task, &copy_to>(x, y);          // 2, 3: wait for it, then are cancelled
    call_task<copy_task, &copy_to>(y, z);
  } catch (const std::exception&) {  // the group's barrier reports the exception
  }
  expect_guarantees();
  EXPECT_EQ(log->story(1), (Story{"submitted", "ready", "started 1", "ended failed 1"}));
  EXPECT_EQ(log->story(2), (Story{"submitted", "ready", "ended cancelled 0"}));
  EXPECT_EQ(log->story(3), (Story{"submitted", "ready", "ended cancelled 0"}));
}

TEST_F(Events, TimedOutTaskEndsOnceWhileItsBodyStillRuns) {
  release_stuck = false;
  int x = 0, y = 0;
  call_task<stuck_task, &stuck>(x);  // times out after 50 ms, ignored
  call_task<copy_task, &copy_to>(x, y);
  compss::barrier();
  release_stuck = true;              // the body returns late: no event for that
  compss::detail::shutdown_runtime();
  for (const std::string& problem : log->check({0})) ADD_FAILURE() << problem;
  EXPECT_EQ(log->story(1), (Story{"submitted", "ready", "started 1", "ended timed out 1"}));
}

// Event times are steady_clock's (workers' times, read with steady_clock, are converted
// to them).
TEST(EventTime, IsSteadyClockInNanoseconds) {
  auto ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  const std::int64_t before = ns();
  const compss::rt::EventTime now = compss::rt::event_now();
  const std::int64_t after = ns();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

/// The number of data accesses (and of dependencies) each submitted event held
/// (submissions of the test's thread).
struct DataCounter : compss::rt::TaskObserver {
  explicit DataCounter(bool reads, bool reads_dependencies = true) : reads(reads), reads_dependencies(reads_dependencies) {}
  bool reads_submitted_data() const override { return reads; }
  bool reads_submitted_dependencies() const override { return reads_dependencies; }
  void on_submitted(const compss::rt::TaskSubmitted& e) override {
    sizes.push_back(e.data.size());
    dependencies.push_back(e.dependencies.size());
  }
  bool reads, reads_dependencies;
  std::vector<std::size_t> sizes, dependencies;
};

// A trace reads no data accesses: while no installed observer reads them, they are not built.
TEST_F(Events, SubmittedDataIsBuiltOnlyWhileAnObserverReadsIt) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());  // (the fixture's log reads them)
  auto blind = std::make_shared<DataCounter>(false);
  events.add(blind);
  EXPECT_FALSE(events.submitted_data_read());
  int x = 0, y = 0;
  call_task<copy_task, &copy_to>(x, y);
  compss::barrier();
  auto reader = std::make_shared<DataCounter>(true);
  events.add(reader);
  EXPECT_TRUE(events.submitted_data_read());
  call_task<copy_task, &copy_to>(x, y);
  compss::barrier();
  events.remove(reader.get());
  EXPECT_FALSE(events.submitted_data_read());
  EXPECT_EQ(blind->sizes, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(reader->sizes, (std::vector<std::size_t>{2}));
}

// The monitor's group draws edges from the data: while no observer reads the
// dependencies, the registry records none (the submission is told without them).
TEST_F(Events, DependenciesAreRecordedOnlyWhileAnObserverReadsThem) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());  // (the fixture's log reads them)
  auto blind = std::make_shared<DataCounter>(true, false);
  events.add(blind);
  release_stuck = false;
  int gate = 0, x = 0;
  call_task<hold_task, &stuck>(gate);
  call_task<copy_task, &copy_to>(gate, x);  // after the gate: an edge at submission
  auto reader = std::make_shared<DataCounter>(true, true);
  events.add(reader);
  call_task<copy_task, &copy_to>(gate, x);  // after the gate (and the first copy's write)
  release_stuck = true;
  compss::barrier();
  events.remove(reader.get());
  EXPECT_EQ(blind->dependencies, (std::vector<std::size_t>{0, 0, 2}));
  EXPECT_EQ(reader->dependencies, (std::vector<std::size_t>{2}));
}

// The monitor's group and the progress counter (compss-run's on a terminal) read no
// dependencies: with them installed the registry records none.
TEST_F(Events, TheMonitorsGroupAndTheProgressCounterRecordNoDependencies) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());  // (the fixture's log reads them)
  auto mutex = std::make_shared<std::mutex>();
  auto group = std::make_shared<compss::rt::observe::ObserverGroup>(
      mutex, std::make_shared<compss::rt::observe::TaskGraph>(mutex), nullptr, nullptr);
  auto progress = std::make_shared<compss::rt::ProgressCounter>([] { return std::size_t{1}; });
  auto blind = std::make_shared<DataCounter>(true, false);
  events.add(group);
  events.add(progress);
  events.add(blind);
  release_stuck = false;
  int gate = 0, x = 0;
  call_task<hold_task, &stuck>(gate);
  call_task<copy_task, &copy_to>(gate, x);  // after the gate: an edge at submission
  release_stuck = true;
  compss::barrier();
  for (const compss::rt::TaskObserver* o : {static_cast<compss::rt::TaskObserver*>(group.get()),
                                            static_cast<compss::rt::TaskObserver*>(progress.get()),
                                            static_cast<compss::rt::TaskObserver*>(blind.get())})
    events.remove(o);
  EXPECT_EQ(blind->dependencies, (std::vector<std::size_t>{0, 0}));
}

namespace {
/// The edges a trace decodes of a held chain (a hold, then three incs), as (from, to)
/// numbered from the chain's first task; `beside` (if any) installed with the trace.
std::vector<std::pair<std::uint64_t, std::uint64_t>> traced_chain_edges(
    const std::shared_ptr<compss::rt::TaskObserver>& beside) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(trace);
  if (beside) events.add(beside);
  release_stuck = false;
  int x = 0;
  call_task<hold_task, &stuck>(x);  // every edge there at submission
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  release_stuck = true;
  compss::wait_on(x);
  compss::barrier();
  if (beside) events.remove(beside.get());
  events.remove(trace.get());
  const compss::rt::observe::TraceEvents e = trace->take();
  std::uint64_t first = ~std::uint64_t{0};
  for (const auto& r : e.submitted) first = std::min(first, r.task_id);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> edges;
  for (std::size_t i = 0; i < e.dependency_of.size(); ++i)
    edges.emplace_back(e.dependency_of[i].task_id - first, e.dependency_task[i] - first);
  std::sort(edges.begin(), edges.end());
  return edges;
}
}  // namespace

// A trace installed beside observers that read no dependencies keeps its edges: the
// registry records them for the trace (Observers::publish).
TEST_F(Events, ATraceKeepsItsDependenciesBesideObserversThatReadNone) {
  compss::rt::runtime().events().remove(log.get());  // (the fixture's log reads them)
  const auto alone = traced_chain_edges(nullptr);
  const auto beside = traced_chain_edges(std::make_shared<DataCounter>(true, false));
  using Edges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  EXPECT_EQ(alone, (Edges{{0, 1}, {1, 2}, {2, 3}}));
  EXPECT_EQ(beside, alone);
}

/// Each task's submitted and ready times; reads neither data nor dependencies (as the
/// monitor's group).
struct TimesSeen : compss::rt::TaskObserver {
  bool reads_submitted_data() const override { return false; }
  bool reads_submitted_dependencies() const override { return false; }
  void on_submitted(const compss::rt::TaskSubmitted& e) override {
    std::lock_guard lock(mutex);
    submitted[e.task_id] = e.time;
  }
  void on_ready(const compss::rt::TaskReady& e) override {
    std::lock_guard lock(mutex);
    ready[e.task_id] = e.time;
  }
  std::mutex mutex;
  std::map<std::uint64_t, compss::rt::EventTime> submitted, ready;
};

// A task without predecessors, ready at its own submission, is ready at its submitted
// time (its analysis' end: the clock is not read again) also while no observer reads
// the dependencies (the registry then counts the edges it adds, records none).
TEST_F(Events, ATaskWithoutPredecessorsIsReadyAtItsSubmittedTimeWithoutRecordedDependencies) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());  // (the fixture's log reads them)
  auto times = std::make_shared<TimesSeen>();
  events.add(times);
  int a = 0, b = 0;
  call_task<copy_task, &copy_to>(a, b);
  compss::barrier();
  events.remove(times.get());
  std::lock_guard lock(times->mutex);
  ASSERT_EQ(times->ready.size(), 1u);
  ASSERT_EQ(times->submitted.size(), 1u);
  EXPECT_EQ(times->ready.begin()->second, times->submitted.begin()->second);
}

TEST_F(Events, RemovedObserverHearsNothingMore) {
  int x = 0;
  call_task<inc_task, &inc>(x);
  compss::barrier();
  compss::rt::runtime().events().remove(log.get());
  EXPECT_FALSE(compss::rt::runtime().events().any());
  const std::size_t seen = log->events().size();
  call_task<inc_task, &inc>(x);
  compss::barrier();
  EXPECT_EQ(log->events().size(), seen);
}

TEST(EventChecker, FlagsBrokenSequences) {
  // The checker must see what it is meant to see: a log that breaks each guarantee.
  using namespace compss::rt;
  EventLog log;
  const DataAccess made{5, 1, Direction::out};
  const DataAccess read{5, 1, Direction::in};
  const Dependency on_first{1, 5, 1};
  log.on_submitted(TaskSubmitted{1, "producer", {}, std::span(&made, 1), 10});
  log.on_submitted(TaskSubmitted{2, "consumer", std::span(&on_first, 1), std::span(&read, 1), 11});
  log.on_ready(TaskReady{1, 12});
  log.on_ready(TaskReady{2, 13});                    // before its dependency ended
  log.on_started(TaskStarted{1, 1, Allocation{3, "nowhere", 0}, 14});  // no node 3
  log.on_ended(TaskEnded{1, TaskOutcome::success, 1, false, 15});
  log.on_ended(TaskEnded{2, TaskOutcome::success, 0, false, 16});      // success, never started
  log.on_transfer(DataTransferred{5, 1, 0, 0, 1, 20, 19});            // 0 bytes, ends first
  log.on_transfer(DataTransferred{5, 2, 8, 0, 1, 20, 21});            // a version nobody made
  std::vector<std::string> problems = log.check({0, 1});
  auto has = [&](const std::string& part) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(has("ready before the dependency ended"));
  EXPECT_TRUE(has("reads d5v1 before its producer task 1 ended"));
  EXPECT_TRUE(has("started on unknown node 3"));
  EXPECT_TRUE(has("ended with success without started"));
  EXPECT_TRUE(has("0 bytes"));
  EXPECT_TRUE(has("ends before it begins"));
  EXPECT_TRUE(has("d5v2 from 0 to 1: no task accesses that version"));
  EXPECT_EQ(problems.size(), 7u) << ::testing::PrintToString(problems);
}

TEST(ObserversList, NotifiesEveryObserverAndSurvivesOneThatThrows) {
  struct Thrower : compss::rt::TaskObserver {
    void on_ready(const compss::rt::TaskReady&) override { throw std::runtime_error("no"); }
  };
  compss::rt::Observers observers;
  EXPECT_FALSE(observers.any());
  auto log = std::make_shared<EventLog>();
  observers.add(std::make_shared<Thrower>());
  observers.add(log);
  EXPECT_TRUE(observers.any());
  observers.notify(&compss::rt::TaskObserver::on_ready, compss::rt::TaskReady{7, 1});
  ASSERT_EQ(log->events().size(), 1u);
  EXPECT_EQ(log->events()[0].task, 7u);
}

TEST_F(Events, EachSubmissionIsAnActivityHoldingItsDependencyAnalysis) {
  int x = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  using compss::rt::Activity;
  std::vector<std::string> seen;
  for (const auto& a : log->all_activities()) {
    if (a.kind == Activity::submission || a.kind == Activity::dependency_analysis) {
      seen.push_back(std::string(a.begin ? "begin " : "end ") + compss::rt::to_string(a.kind));
    }
  }
  const Story one = {"begin submission", "begin dependency analysis", "end dependency analysis", "end submission"};
  Story three;
  for (int i = 0; i < 3; ++i) three.insert(three.end(), one.begin(), one.end());
  EXPECT_EQ(seen, three);
  expect_guarantees();
}

// Events a few instructions apart share one clock read (docs/performance.md, "Traces": a
// read is ~35 ns): a submission and its dependency analysis begin at one time, and the
// analysis ends when the task is told submitted.
TEST_F(Events, ASubmissionsEventsShareTheirClockReads) {
  int x = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  using compss::rt::Activity;
  std::vector<compss::rt::EventTime> analysis_ends, submission_begins, analysis_begins, submission_ends;
  for (const auto& a : log->all_activities()) {
    if (a.kind == Activity::submission) (a.begin ? submission_begins : submission_ends).push_back(a.time);
    if (a.kind == Activity::dependency_analysis) (a.begin ? analysis_begins : analysis_ends).push_back(a.time);
  }
  std::vector<compss::rt::EventTime> submitted;
  for (const auto& e : log->events())
    if (e.kind == compss_test::SeenEvent::Kind::submitted) submitted.push_back(e.time);
  EXPECT_EQ(analysis_begins, submission_begins);
  EXPECT_EQ(analysis_ends, submitted);
  EXPECT_EQ(submission_ends, submitted);  // (a submission ends with its analysis)
  EXPECT_EQ(submitted.size(), 3u);
  expect_guarantees();
}

namespace {
/// "begin submission@time"... for a submission's activities (the end of one excepted).
std::vector<std::string> submission_activities(const std::vector<compss::rt::RuntimeActivity>& all) {
  using compss::rt::Activity;
  std::vector<std::string> out;
  for (const auto& a : all) {
    if ((a.kind == Activity::submission && a.begin) || a.kind == Activity::dependency_analysis)
      out.push_back(std::string(a.begin ? "begin " : "end ") + compss::rt::to_string(a.kind) + "@" + std::to_string(a.time));
  }
  return out;
}
}  // namespace

// A trace takes a submission's begin and its dependency analysis from the submitted event
// (TaskSubmitted::submission_begin: one record instead of three events) and decodes them
// into the activities an observer that reads them is told one by one: the same, once.
TEST_F(Events, ATraceDecodesTheSubmissionActivitiesOthersAreTold) {
  auto recorder = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  compss::rt::runtime().events().add(recorder);
  int x = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  compss::rt::runtime().events().remove(recorder.get());
  const std::vector<std::string> told = submission_activities(log->all_activities());
  EXPECT_EQ(told.size(), 9u);
  const compss::rt::observe::TraceEvents traced = recorder->take();
  EXPECT_EQ(submission_activities(traced.activities), told);
  // (and the submissions' ends: each its analysis' end)
  const auto ends = [](const std::vector<compss::rt::RuntimeActivity>& all) {
    std::vector<compss::rt::EventTime> out;
    for (const auto& a : all)
      if (a.kind == compss::rt::Activity::submission && !a.begin) out.push_back(a.time);
    return out;
  };
  EXPECT_EQ(ends(traced.activities), ends(log->all_activities()));
  EXPECT_EQ(ends(traced.activities).size(), 3u);
  expect_guarantees();
}
// A local trace records no ready: it derives each task's from its records when they are
// decoded, as the latest of its submission and its predecessors' last ends. Against the
// ready the runtime tells other observers (read a little later, in the finish() that made
// it ready): equal for a task without a predecessor (both its submission's time), and
// never later for one with (a fan-out and a fan-in, every edge there at submission).
TEST_F(Events, ALocalTracesDerivedReadyIsWhenItsDependenciesWereMet) {
  auto recorder = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  compss::rt::runtime().events().add(recorder);
  release_stuck = false;
  int gate = 0, x = 0, y[4] = {}, total = 0, free_a = 0, free_b = 0;
  call_task<hold_task, &stuck>(gate);                                    // 1
  call_task<copy_task, &copy_to>(gate, x);                               // 2: after 1
  for (int& yi : y) call_task<copy_task, &copy_to>(x, yi);               // 3..6: after 2
  call_task<sum_task, &sum4>(y[0], y[1], y[2], y[3], total);             // 7: after 3..6
  call_task<copy_task, &copy_to>(free_a, free_b);                        // 8: no predecessor
  release_stuck = true;
  compss::wait_on(total);
  compss::barrier();
  compss::rt::runtime().events().remove(recorder.get());
  const compss::rt::observe::TraceEvents traced = recorder->take();
  std::map<std::uint64_t, compss::rt::EventTime> told, derived, submitted, last_end;
  for (const auto& e : log->events())
    if (e.kind == compss_test::SeenEvent::Kind::ready) told[e.task] = e.time;
  for (const auto& r : traced.ready) derived[r.task_id] = r.time;
  for (const auto& r : traced.submitted) submitted[r.task_id] = r.time;
  for (const auto& e : traced.ended) last_end[e.task_id] = std::max(last_end[e.task_id], e.time);
  ASSERT_EQ(derived.size(), 8u);
  ASSERT_EQ(told.size(), 8u);
  EXPECT_EQ(derived[1], told[1]);
  EXPECT_EQ(derived[8], told[8]);
  EXPECT_EQ(derived[1], submitted[1]);
  EXPECT_EQ(derived[2], std::max(submitted[2], last_end[1]));
  for (std::uint64_t id = 3; id <= 6; ++id) EXPECT_EQ(derived[id], std::max(submitted[id], last_end[2])) << id;
  EXPECT_EQ(derived[7], std::max({submitted[7], last_end[3], last_end[4], last_end[5], last_end[6]}));
  for (std::uint64_t id = 1; id <= 8; ++id) EXPECT_LE(derived[id], told[id]) << id;
  expect_guarantees();
}

// A task submitted before a local trace was installed has no submitted record there to
// derive its ready from: its ready is recorded when it becomes ready (the trace alone, or
// with another observer: then at the very time told to it).
namespace {
void expect_the_ready_of_a_task_submitted_before_the_trace(bool alone, const std::shared_ptr<EventLog>& log) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  if (alone) events.remove(log.get());  // (submitted with no observer at all)
  release_stuck = false;
  int gate = 0, x = 0;
  call_task<hold_task, &stuck>(gate);
  call_task<copy_task, &copy_to>(gate, x);  // ready once the gate ends, after the trace is installed
  auto recorder = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(recorder);
  release_stuck = true;
  compss::wait_on(x);
  compss::barrier();
  events.remove(recorder.get());
  const compss::rt::observe::TraceEvents e = recorder->take();
  ASSERT_EQ(e.ended.size(), 2u);  // (the gate's start may be before the trace)
  const std::uint64_t copy = std::max(e.ended[0].task_id, e.ended[1].task_id);
  ASSERT_EQ(e.ready.size(), 1u);
  EXPECT_EQ(e.ready[0].task_id, copy);
  for (const auto& started : e.started)
    if (started.task_id == copy) EXPECT_LE(e.ready[0].time, started.time);
  if (!alone) {
    std::uint64_t told = 0;
    for (const auto& seen : log->events())
      if (seen.kind == compss_test::SeenEvent::Kind::ready && seen.task == copy) told = seen.time;
    EXPECT_EQ(e.ready[0].time, told);
  }
}
}  // namespace

// Traced alone, a submission's edges go from the registry through a cursor over the
// thread's chunk (EdgeSink); room is made ahead only for one edge a parameter. A write
// after 2,100 unfinished reads has 2,101 edges and one parameter: its edges run past the
// main thread's first chunk (8,192 records, 2 for the gate and 3 a read before them:
// 1,890 left), into a new one through reserve(). Every edge is kept, in the order found.
TEST_F(Events, ATraceAlonesEdgesCrossIntoTheNextChunk) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  auto recorder = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(recorder);
  release_stuck = false;
  constexpr int reads = 2100;
  int x = 0;
  std::vector<int> ys(reads, 0);
  call_task<hold_task, &stuck>(x);                          // holds the reads back
  for (int& y : ys) call_task<copy_task, &copy_to>(x, y);   // each after the gate
  call_task<inc_task, &inc>(x);                             // after every read
  release_stuck = true;
  compss::wait_on(x);
  compss::barrier();
  events.remove(recorder.get());
  EXPECT_EQ(x, 2);
  const compss::rt::observe::TraceEvents e = recorder->take();
  EXPECT_EQ(e.dropped, 0u);
  ASSERT_EQ(e.submitted.size(), static_cast<std::size_t>(reads) + 2);
  std::uint64_t gate = UINT64_MAX, write = 0;
  for (const auto& r : e.submitted) {
    gate = std::min(gate, r.task_id);
    write = std::max(write, r.task_id);
  }
  std::vector<std::uint64_t> after_reads;  // the write's edges, as decoded
  for (std::size_t i = 0; i < e.dependency_of.size(); ++i) {
    if (e.dependency_task[i] == write) after_reads.push_back(e.dependency_of[i].task_id);
  }
  std::vector<std::uint64_t> expected;
  for (std::uint64_t id = gate; id < write; ++id) expected.push_back(id);  // (the gate: its last write)
  EXPECT_EQ(after_reads, expected);
  EXPECT_EQ(e.ready.size(), static_cast<std::size_t>(reads) + 2);
}

TEST_F(Events, ATaskSubmittedBeforeATraceAloneHasItsReadyRecorded) {
  expect_the_ready_of_a_task_submitted_before_the_trace(true, log);
}

TEST_F(Events, ATaskSubmittedBeforeATraceWithAnotherObserverHasItsReadyRecorded) {
  expect_the_ready_of_a_task_submitted_before_the_trace(false, log);
  expect_guarantees();
}


// While no installed observer reads them one by one, the runtime tells of a submission
// only its end (the trace's cost per task: docs/performance.md, "Traces").
TEST_F(Events, WithOnlyATraceASubmissionTellsOnlyItsEnd) {
  compss::rt::runtime().events().remove(log.get());
  struct Activities : compss::rt::TaskObserver {
    std::mutex mutex;
    std::vector<compss::rt::RuntimeActivity> seen;
    void on_activity(const compss::rt::RuntimeActivity& e) override {
      std::lock_guard lock(mutex);
      seen.push_back(e);
    }
    bool reads_submission_activities() const override { return false; }
  };
  auto recorder = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  auto activities = std::make_shared<Activities>();
  compss::rt::runtime().events().add(recorder);
  compss::rt::runtime().events().add(activities);
  int x = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  compss::rt::runtime().events().remove(recorder.get());
  compss::rt::runtime().events().remove(activities.get());
  EXPECT_TRUE(submission_activities(activities->seen).empty());
  const auto ends = std::count_if(activities->seen.begin(), activities->seen.end(), [](const auto& a) {
    return a.kind == compss::rt::Activity::submission && !a.begin;
  });
  EXPECT_EQ(ends, 3);
  const compss::rt::observe::TraceEvents traced = recorder->take();
  EXPECT_EQ(submission_activities(traced.activities).size(), 9u);
  ASSERT_EQ(traced.submitted.size(), 3u);
  // (the analysis ends when the task is told submitted)
  std::vector<std::string> ends_at;
  for (const auto& s : traced.submitted) ends_at.push_back("end dependency analysis@" + std::to_string(s.time));
  std::vector<std::string> analysis_ends;
  for (const std::string& a : submission_activities(traced.activities))
    if (a.starts_with("end ")) analysis_ends.push_back(a);
  EXPECT_EQ(analysis_ends, ends_at);
}

// A start (and a placement) carries its task's spec: an observer that types what runs (the
// monitor's timeline) needs no map from the submission.
TEST_F(Events, AStartCarriesItsTasksSpec) {
  struct Specs : compss::rt::TaskObserver {
    std::mutex mutex;
    std::vector<const TaskSpec*> seen;
    void on_started(const compss::rt::TaskStarted& e) override {
      std::lock_guard lock(mutex);
      seen.push_back(e.spec);
    }
  };
  auto specs = std::make_shared<Specs>();
  compss::rt::runtime().events().add(specs);
  int x = 0, y = 0;
  call_task<inc_task, &inc>(x);
  call_task<copy_task, &copy_to>(x, y);
  compss::wait_on(y);
  compss::rt::runtime().events().remove(specs.get());
  std::lock_guard lock(specs->mutex);
  EXPECT_EQ(specs->seen, (std::vector<const TaskSpec*>{&inc_task, &copy_task}));
  expect_guarantees();
}

namespace {
/// A trace that counts the task-path events told to it through the observer list.
struct CountingTrace : compss::rt::observe::TraceRecorder {
  explicit CountingTrace(bool counter_stamps) : TraceRecorder(100000, counter_stamps) {}
  std::atomic<int> told{0};
  void on_submitted(const compss::rt::TaskSubmitted& e) override {
    ++told;
    TraceRecorder::on_submitted(e);
  }
  void on_ready(const compss::rt::TaskReady& e) override {
    ++told;
    TraceRecorder::on_ready(e);
  }
  void on_started(const compss::rt::TaskStarted& e) override {
    ++told;
    TraceRecorder::on_started(e);
  }
  void on_ended(const compss::rt::TaskEnded& e) override {
    ++told;
    TraceRecorder::on_ended(e);
  }
};

/// Runs a chain of 3 tasks and a fan-in of 4 traced by `trace` alone (the fixture's log
/// removed) and checks what the trace decodes: every event once, in each task's order,
/// at event times within the run's.
void expect_a_direct_trace(const std::shared_ptr<CountingTrace>& trace, const std::shared_ptr<EventLog>& log) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  events.add(trace);
  const compss::rt::EventTime before = compss::rt::event_now();
  int x = 0, a = 1, b = 2, c = 3, d = 4, out = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  call_task<sum_task, &sum4>(a, b, c, d, out);
  compss::wait_on(x);
  compss::wait_on(out);
  compss::barrier();
  const compss::rt::EventTime after = compss::rt::event_now();
  events.remove(trace.get());
  EXPECT_EQ(x, 3);
  // The runtime wrote the task path into the trace's records itself: nothing through the list.
  EXPECT_EQ(trace->told.load(), 0);
  const compss::rt::observe::TraceEvents e = trace->take();
  ASSERT_EQ(e.submitted.size(), 4u);
  ASSERT_EQ(e.ready.size(), 4u);
  ASSERT_EQ(e.started.size(), 4u);
  ASSERT_EQ(e.ended.size(), 4u);
  // (The chain's edges: each to an unfinished predecessor only, so up to two.)
  EXPECT_LE(e.dependency_of.size(), 2u);
  for (std::size_t i = 0; i < e.dependency_of.size(); ++i)
    EXPECT_LT(e.dependency_of[i].task_id, e.dependency_task[i]);
  std::map<std::uint64_t, std::array<compss::rt::EventTime, 4>> times;  // submitted, ready, started, ended
  for (const auto& s : e.submitted) times[s.task_id][0] = s.time;
  for (const auto& r : e.ready) times[r.task_id][1] = r.time;
  for (const auto& s : e.started) times[s.task_id][2] = s.time;
  for (const auto& n : e.ended) times[n.task_id][3] = n.time;
  ASSERT_EQ(times.size(), 4u);
  // Ready is derived (a local run): the chain's second and third tasks were ready once
  // their predecessor in it ended, whether or not it was still running at their submission.
  const std::uint64_t first = times.begin()->first;  // (the chain's first, then the others)
  for (std::uint64_t id = first + 1; id <= first + 2; ++id)
    EXPECT_LE(times.at(id - 1)[3], times.at(id)[1]) << "task " << id;
  for (const auto& [id, t] : times) {
    EXPECT_LE(before, t[0]) << "task " << id;
    EXPECT_LE(t[0], t[1]) << "task " << id;
    EXPECT_LE(t[1], t[2]) << "task " << id;
    EXPECT_LE(t[2], t[3]) << "task " << id;
    EXPECT_LE(t[3], after) << "task " << id;
  }
  // Each task's submission: begun, analysed, ended, within the run.
  int submission_ends = 0;
  for (const auto& act : e.activities) {
    EXPECT_LE(before, act.time);
    EXPECT_LE(act.time, after);
    if (act.kind == compss::rt::Activity::submission && !act.begin) ++submission_ends;
  }
  EXPECT_EQ(submission_ends, 4);
}
}  // namespace

// With a trace alone, the runtime writes the task path's events into its records itself
// (no event struct, no call through the observer list: core/trace_records.hpp), stamped by
// the time-stamp counter where it can be and converted to event times at the end.
TEST_F(Events, ATraceAloneIsWrittenDirectlyWithCounterStamps) {
  auto trace = std::make_shared<CountingTrace>(true);
  EXPECT_EQ(trace->direct_records()->counter_stamps(), compss::rt::tsc_stamps_usable());
  expect_a_direct_trace(trace, log);
}

// The same with the clock's times (no counter: another machine, or asked so).
TEST_F(Events, ATraceAloneIsWrittenDirectlyWithClockTimes) {
  auto trace = std::make_shared<CountingTrace>(false);
  EXPECT_FALSE(trace->direct_records()->counter_stamps());
  expect_a_direct_trace(trace, log);
}

// With another observer installed, the task path's times are event times for both: the
// trace's records hold the very times the other observer was told (but ready, which a
// local trace derives: when the dependencies were met, never after the told one).
TEST_F(Events, ATraceWithAnotherObserverHasItsVeryTimes) {
  auto trace = std::make_shared<CountingTrace>(true);
  compss::rt::runtime().events().add(trace);
  int x = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  compss::barrier();
  compss::rt::runtime().events().remove(trace.get());
  EXPECT_EQ(trace->told.load(), 0);
  const compss::rt::observe::TraceEvents e = trace->take();
  std::vector<std::string> traced, told;
  auto add = [](std::vector<std::string>& to, const char* kind, std::uint64_t id, compss::rt::EventTime t) {
    to.push_back(std::string(kind) + " " + std::to_string(id) + "@" + std::to_string(t));
  };
  for (const auto& s : e.submitted) add(traced, "submitted", s.task_id, s.time);
  for (const auto& s : e.started) add(traced, "started", s.task_id, s.time);
  for (const auto& n : e.ended) add(traced, "ended", n.task_id, n.time);
  using Kind = compss_test::SeenEvent::Kind;
  std::map<std::uint64_t, compss::rt::EventTime> told_ready;
  for (const auto& s : log->events()) {
    if (s.kind == Kind::ready) {
      told_ready[s.task] = s.time;
      continue;
    }
    const char* kind = s.kind == Kind::submitted ? "submitted" : s.kind == Kind::started ? "started" : "ended";
    add(told, kind, s.task, s.time);
  }
  std::sort(traced.begin(), traced.end());
  std::sort(told.begin(), told.end());
  EXPECT_EQ(traced.size(), 9u);
  EXPECT_EQ(traced, told);
  ASSERT_EQ(e.ready.size(), 3u);
  for (const auto& r : e.ready) EXPECT_LE(r.time, told_ready.at(r.task_id)) << r.task_id;
  expect_guarantees();
}

// A counter stamp becomes an event time on the line through the two pairs read around it.
TEST(TscToTime, ConvertsOnTheLineThroughTwoPairs) {
  const compss::rt::TscToTime to_time({1000, 5000}, {3000, 6000});  // 2 ticks per ns
  EXPECT_EQ(to_time(1000), 5000);
  EXPECT_EQ(to_time(2000), 5500);
  EXPECT_EQ(to_time(3000), 6000);
  EXPECT_EQ(to_time(4000), 6500);  // (beyond the end: on the same line)
  if (compss::rt::tsc_stamps_usable()) {
    const compss::rt::StampPair begin = compss::rt::read_stamp_pair();
    compss_test::pause_ms(20);
    const std::int64_t tsc = compss::rt::read_tsc();
    const compss::rt::EventTime now = compss::rt::event_now();
    compss_test::pause_ms(20);
    const compss::rt::TscToTime real(begin, compss::rt::read_stamp_pair());
    EXPECT_NEAR(static_cast<double>(real(tsc)), static_cast<double>(now), 50'000.0);  // (50 µs: a loaded machine)
  }
}

namespace {
std::shared_ptr<compss::rt::TaskObserver> added_in_body;
void add_observer(int& x) {
  compss::rt::runtime().events().add(added_in_body);
  ++x;
}
constexpr TaskSpec adder_task{"add_observer", "void add_observer(int &)", inout_x, 1};
const compss::rt::TaskObserver* removed_in_body = nullptr;
void remove_observer(int& x) {
  compss::rt::runtime().events().remove(removed_in_body);
  ++x;
}
constexpr TaskSpec remover_task{"remove_observer", "void remove_observer(int &)", inout_x, 1};
}  // namespace

namespace {
/// A trace installed alone (`log` removed) while 3 tasks run, one after the other.
template <class Log>
std::shared_ptr<compss::rt::observe::TraceRecorder> three_tasks_traced_alone(const std::shared_ptr<Log>& log) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(trace);
  int x = 0;
  for (int i = 0; i < 3; ++i) call_task<inc_task, &inc>(x);
  compss::wait_on(x);
  events.remove(trace.get());
  EXPECT_EQ(x, 3);
  return trace;
}
}  // namespace

// Traced alone, a local attempt that cannot time out is one record written when it ended
// (TraceRecords::ran), and a submission's begin and end go into its submitted record
// (submitted_spans; its end, its analysis' end, in the same store as its task id): no
// started, ended, begun or submission-end record of their own (docs/performance.md, "The
// trace written by the runtime itself").
TEST_F(Events, ATraceAloneWritesAnAttemptAndASubmissionsEndIntoOneRecordEach) {
  using compss::rt::RecordKind;
  const auto trace = three_tasks_traced_alone(log);
  std::map<RecordKind, int> kinds;
  int ends_inside = 0, ends_apart = 0;
  trace->direct_records()->drain([&](compss::rt::TraceRecords::ThreadLog& l, const compss::rt::TscToTime&) {
    l.records.for_each([&](const compss::rt::TraceRecord& r) {
      const auto kind = static_cast<RecordKind>(r.kind & ~compss::rt::tsc_time);
      ++kinds[kind];
      if (kind == RecordKind::submitted && (r.small & compss::rt::submitted_spans) != 0 && r.a >> 32 == 1)
        ++ends_inside;
      if (kind == RecordKind::activity && r.small == static_cast<std::uint8_t>(compss::rt::Activity::submission) &&
          r.flag == 0)
        ++ends_apart;
    });
  });
  EXPECT_EQ(kinds[RecordKind::submitted], 3);
  EXPECT_EQ(kinds[RecordKind::submission_begun], 0);  // (the begins and ends in the submitted records)
  EXPECT_EQ(kinds[RecordKind::ran], 3);
  EXPECT_EQ(kinds[RecordKind::started], 0);
  EXPECT_EQ(kinds[RecordKind::ended], 0);
  EXPECT_EQ(ends_inside, 3);
  EXPECT_EQ(ends_apart, 0);
}

// A submission ends with its dependency analysis (docs/traces.md): traced alone (its end
// written in its submitted record's store, counter stamps), as for other observers
// (ASubmissionsEventsShareTheirClockReads), each decoded end is its analysis' end and its
// submitted time.
TEST_F(Events, ATraceAlonesSubmissionEndsWithItsAnalysis) {
  using compss::rt::Activity;
  const auto trace = three_tasks_traced_alone(log);
  const compss::rt::observe::TraceEvents e = trace->take();
  std::vector<compss::rt::EventTime> submission_ends, analysis_ends, submitted;
  for (const compss::rt::RuntimeActivity& a : e.activities) {
    if (a.kind == Activity::submission && !a.begin) submission_ends.push_back(a.time);
    if (a.kind == Activity::dependency_analysis && !a.begin) analysis_ends.push_back(a.time);
  }
  for (const auto& s : e.submitted) submitted.push_back(s.time);
  ASSERT_EQ(submitted.size(), 3u);
  EXPECT_EQ(analysis_ends, submitted);
  EXPECT_EQ(submission_ends, submitted);
}

// A trace alone records each attempt's executor slot as kept by the executor while its
// thread is in the arena (LocalExecutor's SlotKeeper, begun by the first attempt): the
// slot TBB gives the body, for every task, across the 4 threads' jobs and their joining
// and leaving the arena between two rounds, and in a runtime started after another one.
// Some bodies find their slot kept under the key the runtime compares (Runtime::slot_key,
// LocalExecutor::slot_key()). (It catches a wrong kept slot; a stale key after an
// executor's address is reused is not reliably produced here: a thread not kept falls
// back to asking TBB.)
TEST_F(Events, ATraceAlonesSlotIsTheOneItsBodyRanIn) {
  using compss::rt::RecordKind;
  for (int runtime_number = 0; runtime_number < 2; ++runtime_number) {
    if (runtime_number == 1) {  // (a new executor: its threads' slots kept afresh)
      compss::detail::shutdown_runtime();
      start_runtime();
    }
    compss::rt::Observers& events = compss::rt::runtime().events();
    events.remove(log.get());
    auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
    events.add(trace);
    slot_key_sought = compss::rt::runtime().slot_key();
    bodies_with_the_key = 0;
    std::array<int, 48> slots{};
    for (int round = 0; round < 2; ++round) {
      for (std::size_t i = round * 24; i < (round + 1) * 24u; ++i) call_task<slot_task, &slot_of_body>(slots[i]);
      compss::barrier();
      compss_test::pause_ms(50);  // (the threads go idle: they may leave the arena)
    }
    events.remove(trace.get());
    std::map<std::uint64_t, int> recorded;  // task id -> the slot of its ran record
    trace->direct_records()->drain([&](compss::rt::TraceRecords::ThreadLog& l, const compss::rt::TscToTime&) {
      l.records.for_each([&](const compss::rt::TraceRecord& r) {
        if (static_cast<RecordKind>(r.kind & ~compss::rt::tsc_time) == RecordKind::ran) recorded[r.a] = r.flag;
      });
    });
    ASSERT_EQ(recorded.size(), slots.size());
    // The key the runtime compares is the one SlotKeeper writes: else every attempt would
    // quietly ask current_slot() (the slots right, only slower).
    EXPECT_GT(bodies_with_the_key.load(), 0) << "runtime " << runtime_number;
    std::size_t i = 0;  // (ids in submission order)
    for (const auto& [id, slot] : recorded) {
      EXPECT_GE(slots[i], 0);
      EXPECT_EQ(slot, slots[i]) << "task " << id << " (runtime " << runtime_number << ")";
      ++i;
    }
  }
}

// An attempt whose start waits for its end keeps it when the observers change while it
// runs (here its body installs one): the start goes where it would have gone then.
TEST_F(Events, AnAttemptsStartIsKeptWhenTheObserversChangeWhileItRuns) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(trace);
  added_in_body = log;
  int x = 0;
  call_task<adder_task, &add_observer>(x);
  compss::wait_on(x);
  events.remove(trace.get());
  added_in_body.reset();
  EXPECT_EQ(x, 1);
  const compss::rt::observe::TraceEvents e = trace->take();
  ASSERT_EQ(e.started.size(), 1u);
  ASSERT_EQ(e.ended.size(), 1u);
  EXPECT_LE(e.started[0].time, e.ended[0].time);
  EXPECT_EQ(log->story(1), (Story{"ended success 1"}));  // (installed while it ran)
}

// The same when its body removes the trace (and so every observer): the trace keeps the
// start it would have written then, and no end, as before the start waited for its end.
TEST_F(Events, AnAttemptsStartIsKeptWhenItsBodyRemovesTheTrace) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(trace);
  removed_in_body = trace.get();
  int x = 0;
  call_task<remover_task, &remove_observer>(x);
  compss::wait_on(x);
  removed_in_body = nullptr;
  EXPECT_EQ(x, 1);
  const compss::rt::observe::TraceEvents e = trace->take();
  EXPECT_EQ(e.submitted.size(), 1u);
  EXPECT_EQ(e.started.size(), 1u);
  EXPECT_EQ(e.ended.size(), 0u);
}

// Traced alone, the registry writes a submission's edges straight into the thread's buffer
// after its submitted record: when the budget refuses one of them, the submission is
// dropped whole (its record withdrawn, the edges already written skipped), as when its
// records were reserved together. The gate holds every task back, so the main thread's
// records are known: 1 for the gate (its submitted record, with its submission's begin and
// end: submitted_spans; a local run records no ready), 2 for each of the 5 copies (one
// edge), then the sum's submitted at the 12th and its 4 edges (13 to 16): a budget of 14
// refuses the third edge, one of 16 none. The main thread's buffer takes the whole budget with its first chunk:
// every other event is refused and counted, whatever thread tells it: 11 = the sum's
// submission (one) and its end (an activity of its own once withdrawn), 7 attempts (a ran
// record each), the wait_on's begin and end.
namespace {
compss::rt::observe::TraceEvents trace_gated_sum(std::uint64_t budget, const std::shared_ptr<EventLog>& log) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(budget);
  events.add(trace);
  release_stuck = false;
  int gate = 0, x = 0, y[4] = {}, total = 0;
  call_task<hold_task, &stuck>(gate);
  call_task<copy_task, &copy_to>(gate, x);
  for (int& yi : y) call_task<copy_task, &copy_to>(x, yi);
  call_task<sum_task, &sum4>(y[0], y[1], y[2], y[3], total);
  release_stuck = true;
  compss::wait_on(total);
  events.remove(trace.get());
  EXPECT_EQ(total, 4);
  return trace->take();
}

void expect_the_sum_dropped_whole(const compss::rt::observe::TraceEvents& e) {
  ASSERT_EQ(e.submitted.size(), 6u);  // (not the sum)
  std::vector<std::uint64_t> waiting(e.dependency_task.begin(), e.dependency_task.end());
  const std::uint64_t gate_task = e.submitted[0].task_id;
  EXPECT_EQ(waiting, (std::vector<std::uint64_t>{gate_task + 1, gate_task + 2, gate_task + 3, gate_task + 4,
                                                 gate_task + 5}));  // one edge each, none of the sum's
}
}  // namespace

TEST_F(Events, ATraceAloneDropsASubmissionWholeWhenTheBudgetRefusesOneOfItsEdges) {
  const compss::rt::observe::TraceEvents e = trace_gated_sum(14, log);
  expect_the_sum_dropped_whole(e);
  EXPECT_EQ(e.dropped, 11u);
}

// (A submission whose begun record the budget refuses is dropped whole too: that record is
// written only when its begin and end do not fit its submitted record, never in this
// test's run; TraceRecorder.ASubmissionWhoseBegunRecordTheBudgetRefusesIsDroppedWhole.)
TEST_F(Events, ATraceAloneKeepsASubmissionWholeInTheBudgetOfItsSubmittedRecordAndEdges) {
  const compss::rt::observe::TraceEvents e = trace_gated_sum(16, log);
  ASSERT_EQ(e.submitted.size(), 7u);  // the sum's too
  EXPECT_EQ(e.dependency_task.size(), 9u);  // its 4 edges too
  EXPECT_EQ(e.dropped, 9u);  // (7 attempts, the wait_on's begin and end)
}

// The master's name is kept once per thread's log (TraceRecords::ThreadLog::node0_named):
// a trace taken, then taken again after another attempt on the same thread, names it in
// both. The attempts are written on this thread, as run_observed_attempt writes them
// (ran_here): the same log in both takes, so a flag drain() left set fails the second.
TEST_F(Events, ATraceAloneNamesTheMasterInEachTakeOfItsRecords) {
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  for (int take = 0; take < 2; ++take) {
    trace->direct_records()->ran_here(1 + take, 1, 0, 10, TaskOutcome::success, false, 11, false, "the master");
    const compss::rt::observe::TraceEvents e = trace->take();
    ASSERT_EQ(e.ended.size(), 1u) << "take " << take;
    EXPECT_EQ(e.node_names, (std::map<int, std::string>{{0, "the master"}})) << "take " << take;
  }
}

// Each attempt of a retried task traced alone is its own one-record attempt: decoded with
// its number, outcome and whether another follows.
TEST_F(Events, ATraceAloneKeepsEachAttemptOfARetriedTask) {
  compss::rt::Observers& events = compss::rt::runtime().events();
  events.remove(log.get());
  auto trace = std::make_shared<compss::rt::observe::TraceRecorder>(100000);
  events.add(trace);
  failures_left = 2;
  int x = 0;
  call_task<flaky_task, &flaky>(x);
  compss::wait_on(x);
  events.remove(trace.get());
  EXPECT_EQ(x, 1);
  const compss::rt::observe::TraceEvents e = trace->take();
  ASSERT_EQ(e.started.size(), 3u);
  ASSERT_EQ(e.ended.size(), 3u);
  std::vector<std::tuple<unsigned, TaskOutcome, bool>> ends;
  for (const auto& n : e.ended) ends.emplace_back(n.attempt, n.outcome, n.will_retry);
  EXPECT_EQ(ends, (std::vector<std::tuple<unsigned, TaskOutcome, bool>>{
                      {1, TaskOutcome::failed, true}, {2, TaskOutcome::failed, true}, {3, TaskOutcome::success, false}}));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(e.started[i].attempt, i + 1);
    EXPECT_LE(e.started[i].time, e.ended[i].time);
  }
}

// The Guidance property (issue 12) measured as a user reads it, from the task events'
// start and end times: on a node of 8 GB, tasks declaring memory_size=6 never run at the
// same time, although 4 threads are free.
namespace {
void stage(int& x) {
  compss_test::pause_ms(20);  // (long enough that tasks allowed to overlap would)
  ++x;
}
constexpr Constraint six_gb[] = {{"memory_size", "6"}};
constexpr TaskSpec stage_6gb{.name = "stage", .signature = "void stage(int &)", .params = inout_x,
                             .param_count = 1, .constraints = six_gb, .constraint_count = 1};

class EventsOnEightGigabytes : public Events {
 protected:
  void SetUp() override {
    ::setenv("COMPSS_MEMORY", "8", 1);
    Events::SetUp();
  }
  void TearDown() override {
    Events::TearDown();
    ::unsetenv("COMPSS_MEMORY");
  }
};
}  // namespace

TEST_F(EventsOnEightGigabytes, SixGigabyteTasksNeverOverlapInTime) {
  std::vector<int> xs(6, 0);
  for (int& x : xs) call_task<stage_6gb, &stage>(x);
  expect_guarantees();
  for (int& x : xs) compss::wait_on(x);
  EXPECT_EQ(xs, std::vector<int>(6, 1));
  std::map<std::uint64_t, std::pair<compss::rt::EventTime, compss::rt::EventTime>> runs;  // task: start, end
  for (const compss_test::SeenEvent& e : log->events()) {
    if (e.kind == compss_test::SeenEvent::Kind::started) runs[e.task].first = e.time;
    if (e.kind == compss_test::SeenEvent::Kind::ended) runs[e.task].second = e.time;
  }
  std::vector<std::pair<compss::rt::EventTime, compss::rt::EventTime>> spans;
  for (std::uint64_t id : log->ids_of("stage")) spans.push_back(runs.at(id));
  ASSERT_EQ(spans.size(), 6u);
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 0; i + 1 < spans.size(); ++i) {
    EXPECT_LT(spans[i].first, spans[i].second) << i;
    EXPECT_LE(spans[i].second, spans[i + 1].first) << "tasks " << i << " and " << i + 1 << " overlapped";
  }
}
