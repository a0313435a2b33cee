// Task groups and compss::Exception without compss-cc: the header-only sequential
// meaning, so a program that catches the exception behaves the same in both builds.
#include <compss/compss.hpp>

#include <gtest/gtest.h>

#ifdef __COMPSS__
#error "this test checks the sequential build"
#endif

namespace {
int calls = 0;
void train(int candidate) {
  ++calls;
  if (candidate == 3) throw compss::Exception("candidate 3 converged");
}
}  // namespace

TEST(SequentialGroups, ExceptionPropagatesOutOfTheGroup) {
  calls = 0;
  std::string what;
  try {
    compss::TaskGroup g("search");
    for (int c = 0; c < 8; ++c) train(c);
  } catch (const compss::Exception& e) {
    what = e.what();
    EXPECT_EQ(e.task_name(), "");
  }
  EXPECT_EQ(what, "candidate 3 converged");
  EXPECT_EQ(calls, 4);  // the tasks after the thrower never ran
}

TEST(SequentialGroups, BarrierCancelAndStopAreNoOps) {
  { compss::TaskGroup g("g", /*implicit_barrier=*/false); }
  compss::cancel_group("g");
  compss::barrier_group("g");
  compss::barrier_group("never opened");
  EXPECT_FALSE(compss::this_task::stop_requested());
}

TEST(SequentialGroups, ExceptionIsARuntimeError) {
  try {
    throw compss::Exception("stop");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "stop");
  }
}
