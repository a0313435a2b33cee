// Task groups: compss::TaskGroup (nested, implicit barrier off), barrier_group,
// cancel_group, and compss::Exception thrown by a task inside and outside a group.
#include "failure_test_support.hpp"

#include <atomic>
#include <stdexcept>

using namespace compss::detail;
using compss_test::contains;
using compss_test::FailureTest;

namespace {

std::atomic<bool> blocker_started{false};
std::atomic<bool> blocker_saw_stop{false};
std::atomic<int> later_runs{0};
std::atomic<int> plain_runs{0};

// Runs until its group is cancelled (at most ~10 s), then returns.
void blocker(int& gate) {
  blocker_started = true;
  blocker_saw_stop = compss_test::wait_for_stop();
  gate = 1;
}
// Waits for the blocker: it cannot start before the group is cancelled.
void later(const int& gate) {
  (void)gate;
  ++later_runs;
}
void thrower(int& x) {
  x = 1;
  throw compss::Exception("candidate converged");
}
void plain(int& x) {
  ++plain_runs;
  ++x;
}

constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr ParamSpec in_gate[] = {{Direction::in, ParamKind::object, "gate"}};
constexpr TaskSpec blocker_task{"blocker", "void blocker(int &)", inout_x, 1};
constexpr TaskSpec later_task{"later", "void later(const int &)", in_gate, 1};
constexpr TaskSpec thrower_task{"thrower", "void thrower(int &)", inout_x, 1};
constexpr TaskSpec thrower_cancel{.name = "thrower", .signature = "void thrower(int &)",
                                  .params = inout_x, .param_count = 1,
                                  .on_failure = OnFailure::cancel_successors};
constexpr TaskSpec plain_task{"plain", "void plain(int &)", inout_x, 1};

void reset() {
  blocker_started = false;
  blocker_saw_stop = false;
  later_runs = 0;
  plain_runs = 0;
}

}  // namespace

using Groups = FailureTest;

TEST_F(Groups, ExceptionCancelsTheGroupAndIsRethrownAtItsEnd) {
  reset();
  int gate = 0, x = 0;
  std::string what, from;
  std::uint64_t id = 0;
  try {
    compss::TaskGroup g("search");
    call_task<blocker_task, &blocker>(gate);
    for (int i = 0; i < 20; ++i) call_task<later_task, &later>(gate);
    call_task<thrower_task, &thrower>(x);
  } catch (const compss::Exception& e) {
    what = e.what();
    from = e.task_name();
    id = e.task_id();
  }
  EXPECT_EQ(what, "candidate converged");  // exactly the task's message
  EXPECT_EQ(from, "thrower");
  EXPECT_EQ(id, 22u);
  EXPECT_TRUE(blocker_saw_stop.load());  // the running task was asked to stop
  EXPECT_EQ(later_runs.load(), 0);       // tasks not started never ran
  compss::barrier();                     // not a failure of the application
  std::string r = report();
  EXPECT_TRUE(contains(r, "task 'thrower' (id 22) threw compss::Exception (group 'search' cancelled)"))
      << r;
  EXPECT_TRUE(contains(r, "task 'later' (id 2) cancelled")) << r;
  EXPECT_TRUE(contains(r, "task 'later' (id 21) cancelled")) << r;
}

TEST_F(Groups, GroupEndWaitsForItsTasks) {
  reset();
  int x = 0;
  {
    compss::TaskGroup g("count");
    for (int i = 0; i < 50; ++i) call_task<plain_task, &plain>(x);
  }
  EXPECT_EQ(plain_runs.load(), 50);
  EXPECT_EQ(x, 50);
}

TEST_F(Groups, NestedGroupExceptionIsCaughtInsideTheOuterGroup) {
  reset();
  int gate = 0, x = 0, y = 0;
  std::string what;
  {
    compss::TaskGroup outer("outer");
    call_task<plain_task, &plain>(y);
    try {
      compss::TaskGroup inner("inner");
      call_task<blocker_task, &blocker>(gate);
      call_task<later_task, &later>(gate);
      call_task<thrower_task, &thrower>(x);
    } catch (const compss::Exception& e) {
      what = e.what();
    }
    call_task<plain_task, &plain>(y);  // the outer group goes on
  }  // no exception here: the inner one was taken
  EXPECT_EQ(what, "candidate converged");
  EXPECT_EQ(later_runs.load(), 0);
  EXPECT_EQ(y, 2);
}

TEST_F(Groups, CancellingTheOuterGroupCancelsNestedOnes) {
  reset();
  int gate = 0;
  {
    compss::TaskGroup outer("outer", false);
    compss::TaskGroup inner("inner", false);
    call_task<blocker_task, &blocker>(gate);
    call_task<later_task, &later>(gate);
  }
  ASSERT_TRUE(compss_test::wait_for_flag(blocker_started));  // running, not just waiting
  compss::cancel_group("outer");
  compss::barrier_group("outer");
  compss::barrier_group("inner");
  EXPECT_TRUE(blocker_saw_stop.load());
  EXPECT_EQ(later_runs.load(), 0);
}

TEST_F(Groups, WithoutImplicitBarrierTheExceptionWaitsForBarrierGroup) {
  reset();
  int x = 0;
  {
    compss::TaskGroup g("lazy", /*implicit_barrier=*/false);
    call_task<thrower_task, &thrower>(x);
  }  // does not wait, does not throw
  try {
    compss::barrier_group("lazy");
    FAIL() << "barrier_group did not throw";
  } catch (const compss::Exception& e) {
    EXPECT_STREQ(e.what(), "candidate converged");
  }
  // The group is closed by its barrier: its name is free again, and unknown now.
  EXPECT_THROW(compss::barrier_group("lazy"), compss::Error);
  { compss::TaskGroup again("lazy"); }
}

TEST_F(Groups, CancelGroupStopsRunningAndSkipsWaitingTasks) {
  reset();
  int gate = 0;
  {
    compss::TaskGroup g("slow", false);
    call_task<blocker_task, &blocker>(gate);
    for (int i = 0; i < 5; ++i) call_task<later_task, &later>(gate);
  }
  ASSERT_TRUE(compss_test::wait_for_flag(blocker_started));
  compss::cancel_group("slow");
  EXPECT_NO_THROW(compss::barrier_group("slow"));
  EXPECT_TRUE(blocker_saw_stop.load());
  EXPECT_EQ(later_runs.load(), 0);
  EXPECT_TRUE(contains(report(), "group 'slow' cancelled by cancel_group"));
}

TEST_F(Groups, UnknownOrReusedNamesAreErrors) {
  EXPECT_THROW(compss::barrier_group("nope"), compss::Error);
  EXPECT_THROW(compss::cancel_group("nope"), compss::Error);
  compss::TaskGroup g("dup");
  EXPECT_THROW(compss::TaskGroup("dup"), compss::Error);
}

TEST_F(Groups, NoThrowWhileUnwindingAnotherException) {
  reset();
  int x = 0;
  try {
    compss::TaskGroup g("unwind");
    call_task<thrower_task, &thrower>(x);
    throw std::logic_error("main's own error");
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "main's own error");  // not std::terminate, not compss::Exception
  }
}

TEST_F(Groups, ExceptionOutsideAGroupFollowsThePolicy) {
  reset();
  int x = 0, y = 0;
  call_task<thrower_cancel, &thrower>(x);
  call_task<plain_task, &plain>(x);  // reads x: cancelled
  call_task<plain_task, &plain>(y);
  EXPECT_NO_THROW(compss::barrier());
  EXPECT_EQ(plain_runs.load(), 1);
  std::string r = report();
  EXPECT_TRUE(contains(r, "failed, successors cancelled")) << r;
  EXPECT_TRUE(contains(r, "compss::Exception: candidate converged")) << r;
}

TEST_F(Groups, GroupExceptionIsNotRetried) {
  reset();
  int x = 0;
  try {
    compss::TaskGroup g("policy");
    call_task<thrower_task, &thrower>(x);  // default policy retry, but not for this
  } catch (const compss::Exception& e) {
    // a compss::Exception in a group cancels the group instead
    EXPECT_STREQ(e.what(), "candidate converged");
  }
  EXPECT_TRUE(contains(report(), "1 attempt"));
}

// A compss::Exception caught at its group's end is the program's control flow: the report
// keeps it (and the tasks it cancelled) in failures.txt but prints nothing; real failures
// are printed, with a line counting the others.
TEST_F(Groups, ACaughtGroupExceptionIsLoggedNotPrinted) {
  reset();
  int x = 0, gate = 0;
  try {
    compss::TaskGroup g("quiet");
    call_task<thrower_task, &thrower>(x);
    call_task<later_task, &later>(gate);
  } catch (const compss::Exception&) {
  }
  ::testing::internal::CaptureStderr();
  std::string r = report();
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(r, "threw compss::Exception (group 'quiet' cancelled)")) << r;
  EXPECT_EQ(printed, "");
}

TEST_F(Groups, RealFailuresArePrintedAndCountTheGroupEntries) {
  reset();
  int x = 0, y = 0;
  try {
    compss::TaskGroup g("loud");
    call_task<thrower_task, &thrower>(x);
  } catch (const compss::Exception&) {
  }
  call_task<thrower_cancel, &thrower>(y);  // outside a group: a failure
  EXPECT_NO_THROW(compss::barrier());
  ::testing::internal::CaptureStderr();
  std::string r = report();
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(contains(printed, "compss: failure report: 1 task(s) failed or were cancelled"))
      << printed;
  EXPECT_TRUE(contains(printed, "failed, successors cancelled")) << printed;
  EXPECT_FALSE(contains(printed, "group 'loud' cancelled")) << printed;
  EXPECT_TRUE(contains(printed, "(and 1 task(s) of groups a compss::Exception ended: in the file)"))
      << printed;
  EXPECT_TRUE(contains(r, "group 'loud' cancelled")) << r;
}
