// time_out(seconds): a task running longer counts as failed, its policy applies, the
// workflow does not wait for it, and the task sees this_task::stop_requested().
#include "failure_test_support.hpp"

#include <atomic>

using namespace compss::detail;
using compss_test::contains;
using compss_test::FailureTest;

namespace {

std::atomic<bool> main_went_on{false};  // set by main once its barrier has returned
std::atomic<bool> saw_stop{false};
std::atomic<bool> slow_returned{false};
std::atomic<int> reader_runs{0};

// Runs until main has passed its barrier (so the barrier cannot have waited for it).
void slow(int& x) {
  compss_test::wait_for_flag(main_went_on);
  saw_stop = compss::this_task::stop_requested();
  x = 99;  // a late write (see docs/failures.md: the hazard of ignore + time_out)
  slow_returned = true;
}
void quick(int& x) {
  saw_stop = compss::this_task::stop_requested();
  x = 1;
}
void read_x(const int& x, int& y) {
  ++reader_runs;
  y = x + 1;
}

constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr ParamSpec in_x_out_y[] = {{Direction::in, ParamKind::object, "x"},
                                    {Direction::out, ParamKind::object, "y"}};
constexpr TaskSpec slow_cancel{.name = "slow", .signature = "void slow(int &)", .params = inout_x,
                               .param_count = 1, .on_failure = OnFailure::cancel_successors,
                               .time_out = 0.05};
constexpr TaskSpec slow_ignore{.name = "slow", .signature = "void slow(int &)", .params = inout_x,
                               .param_count = 1, .on_failure = OnFailure::ignore,
                               .time_out = 0.05};
constexpr TaskSpec slow_retry{.name = "slow", .signature = "void slow(int &)", .params = inout_x,
                              .param_count = 1, .time_out = 0.05};
constexpr TaskSpec quick_timed{.name = "quick", .signature = "void quick(int &)",
                               .params = inout_x, .param_count = 1, .time_out = 30};
constexpr TaskSpec read_task{"read_x", "void read_x(const int &, int &)", in_x_out_y, 2};

void reset() {
  main_went_on = false;
  saw_stop = false;
  slow_returned = false;
  reader_runs = 0;
}

}  // namespace

using TimeOut = FailureTest;

TEST_F(TimeOut, CancelSuccessorsDoesNotWaitForTheStuckTask) {
  reset();
  int x = 0, y = 0;
  call_task<slow_cancel, &slow>(x);
  call_task<read_task, &read_x>(x, y);
  compss::barrier();  // returns although `slow` is still running
  EXPECT_FALSE(slow_returned.load());
  main_went_on = true;
  EXPECT_TRUE(compss_test::wait_for_flag(slow_returned));
  EXPECT_TRUE(saw_stop.load());
  EXPECT_EQ(reader_runs.load(), 0);
  std::string r = report();
  EXPECT_TRUE(contains(r, "task 'slow' (id 1) timed out, successors cancelled")) << r;
  EXPECT_TRUE(contains(r, "compss::TimeOut: timed out after 0.05 s")) << r;
  EXPECT_TRUE(contains(r, "task 'read_x' (id 2) cancelled")) << r;
}

TEST_F(TimeOut, IgnoreReleasesSuccessorsAtTheDeadline) {
  reset();
  int x = 5, y = 0;
  call_task<slow_ignore, &slow>(x);
  call_task<read_task, &read_x>(x, y);
  compss::wait_on(y);  // the reader ran while `slow` was still running
  EXPECT_EQ(reader_runs.load(), 1);
  EXPECT_FALSE(slow_returned.load());
  main_went_on = true;
  EXPECT_TRUE(compss_test::wait_for_flag(slow_returned));
  EXPECT_TRUE(contains(report(), "timed out, ignored"));
}

TEST_F(TimeOut, RetryIsNotRetriedAndStopsTheApplication) {
  reset();
  int x = 0;
  call_task<slow_retry, &slow>(x);
  try {
    compss::barrier();
    FAIL() << "barrier did not throw";
  } catch (const compss::Error& e) {
    EXPECT_TRUE(contains(e.what(), "task 'slow' (id 1) failed: timed out after 0.05 s")) << e.what();
  }
  main_went_on = true;
  EXPECT_TRUE(compss_test::wait_for_flag(slow_returned));
  EXPECT_TRUE(contains(report(), "1 attempt"));
}

TEST_F(TimeOut, TaskWithinItsTimeRunsNormally) {
  reset();
  int x = 0;
  call_task<quick_timed, &quick>(x);
  compss::wait_on(x);
  EXPECT_EQ(x, 1);
  EXPECT_FALSE(saw_stop.load());
  EXPECT_EQ(report(), "");
}

TEST_F(TimeOut, StopIsNeverRequestedOutsideATask) {
  EXPECT_FALSE(compss::this_task::stop_requested());
}
