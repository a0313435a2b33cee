// A task that throws: recorded, later tasks skipped, the next sync point raises Error.
#include "test_support.hpp"

#include <atomic>
#include <stdexcept>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::RuntimeTest;

namespace {

std::atomic<int> runs{0};
void boom(int& x) {
  pause_ms(5);
  x = -1;
  throw std::runtime_error("bad block");
}
void count_run(int& x) {
  ++runs;
  ++x;
}
int value_after(const int& x) { return x; }
void throw_int(int&) { throw 42; }

static constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
static constexpr TaskSpec boom_task{"boom", "void boom(int &)", inout_x, 1};
static constexpr TaskSpec count_task{"count_run", "void count_run(int &)", inout_x, 1};
static constexpr TaskSpec throw_int_task{"throw_int", "void throw_int(int &)", inout_x, 1};
static constexpr ParamSpec in_x[] = {{Direction::in, ParamKind::object, "x"}};
static constexpr TaskSpec value_task{"value_after", "int value_after(const int &)", in_x, 1};

}  // namespace

using Failure = RuntimeTest;

TEST_F(Failure, BarrierRaisesErrorWithNameIdAndMessage) {
  int x = 0;
  call_task<boom_task, &boom>(x);
  try {
    compss::barrier();
    FAIL() << "barrier did not throw";
  } catch (const compss::Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("task 'boom' (id "), std::string::npos) << what;
    EXPECT_NE(what.find(") failed: bad block"), std::string::npos) << what;
    EXPECT_EQ(e.task_name(), "boom");
    EXPECT_GT(e.task_id(), 0u);
  }
}

TEST_F(Failure, LaterTasksAreSkipped) {
  runs = 0;
  int x = 0;
  call_task<boom_task, &boom>(x);
  for (int i = 0; i < 10; ++i) call_task<count_task, &count_run>(x);  // depend on boom
  EXPECT_THROW(compss::wait_on(x), compss::Error);
  EXPECT_EQ(runs.load(), 0);
  EXPECT_EQ(x, -1);
  // Still failed: every later sync point reports the same failure.
  EXPECT_THROW(compss::barrier(), compss::Error);
}

TEST_F(Failure, FutureOfASkippedTaskThrows) {
  int x = 0;
  call_task<boom_task, &boom>(x);
  auto f = call_task<value_task, &value_after>(x);
  EXPECT_THROW(f.get(), compss::Error);
}

TEST_F(Failure, NonStandardExceptionIsReported) {
  int x = 0;
  call_task<throw_int_task, &throw_int>(x);
  try {
    compss::barrier();
    FAIL() << "barrier did not throw";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("throw_int"), std::string::npos);
  }
}

TEST_F(Failure, ShutdownClearsTheFailure) {
  int x = 0;
  call_task<boom_task, &boom>(x);
  EXPECT_THROW(compss::barrier(), compss::Error);
  shutdown_runtime();
  runs = 0;
  int y = 0;
  call_task<count_task, &count_run>(y);
  compss::barrier();
  EXPECT_EQ(y, 1);
  EXPECT_EQ(runs.load(), 1);
}
