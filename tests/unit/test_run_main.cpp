// run_main: the main compss-cc generates.
#include "test_support.hpp"

#include <stdexcept>

using namespace compss::detail;

namespace {

void fail_task(int& x) {
  x = 1;
  throw std::runtime_error("disk on fire");
}
void inc(int& x) { ++x; }
static constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
static constexpr TaskSpec fail_spec{"fail_task", "void fail_task(int &)", inout_x, 1};
static constexpr TaskSpec inc_spec{"inc", "void inc(int &)", inout_x, 1};

int counter = 0;
int good_main() {
  for (int i = 0; i < 100; ++i) call_task<inc_spec, &inc>(counter);
  return 0;  // no wait: run_main's final barrier waits
}
int seen_argc = 0;
int main_with_args(int argc, char** argv) {
  seen_argc = argc;
  return argv[0][0] == 'p' ? 7 : 0;
}
int failing_main() {
  static int x = 0;
  call_task<fail_spec, &fail_task>(x);
  return 0;
}
int throwing_main() {
  throw compss::Error("compss: cannot open input");
}

}  // namespace

TEST(RunMain, RunsMainWaitsAndReturnsItsCode) {
  shutdown_runtime();
  counter = 0;
  EXPECT_EQ(run_main(0, nullptr, &good_main), 0);
  EXPECT_EQ(counter, 100);
  char prog[] = "prog";
  char* argv[] = {prog, nullptr};
  EXPECT_EQ(run_main(1, argv, &main_with_args), 7);
  EXPECT_EQ(seen_argc, 1);
}

TEST(RunMain, TaskFailureIsPrintedAndGivesExitCode1) {
  shutdown_runtime();
  ::testing::internal::CaptureStderr();
  int rc = run_main(0, nullptr, &failing_main);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 1);
  EXPECT_NE(err.find("compss: task 'fail_task' (id "), std::string::npos) << err;
  EXPECT_NE(err.find(") failed: disk on fire"), std::string::npos) << err;
}

TEST(RunMain, ErrorEscapingMainIsPrinted) {
  shutdown_runtime();
  ::testing::internal::CaptureStderr();
  int rc = run_main(0, nullptr, &throwing_main);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(err, "compss: cannot open input\n");
}

TEST(RunMain, BadThreadCountIsReported) {
  shutdown_runtime();
  ::setenv("COMPSS_THREADS", "lots", 1);
  ::testing::internal::CaptureStderr();
  int rc = run_main(0, nullptr, &good_main);
  std::string err = ::testing::internal::GetCapturedStderr();
  ::unsetenv("COMPSS_THREADS");
  EXPECT_EQ(rc, 1);
  EXPECT_NE(err.find("COMPSS_THREADS"), std::string::npos) << err;
}
