// The public header in a plain sequential build (no __COMPSS__, no libcompss linked):
// every call is the sequential equivalent.
#include <compss/compss.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

#ifdef __COMPSS__
#error "this test must be built without __COMPSS__"
#endif

using namespace compss::detail;

namespace {
int square(int x) { return x * x; }
void inc(int& x) { ++x; }
static constexpr ParamSpec one_in[] = {{Direction::in, ParamKind::object, "x"}};
static constexpr TaskSpec square_task{"square", "int square(int)", one_in, 1};
static constexpr ParamSpec one_inout[] = {{Direction::inout, ParamKind::object, "x"}};
static constexpr TaskSpec inc_task{"inc", "void inc(int &)", one_inout, 1};
int user_main() { return 5; }
}  // namespace

TEST(Sequential, ApiIsANoOp) {
  int x = 3;
  EXPECT_EQ(&compss::wait_on(x), &x);
  std::vector<int> v{1, 2};
  EXPECT_EQ(compss::wait_on(v), (std::vector<int>{1, 2}));
  compss::wait_on_file("/does/not/matter");
  compss::wait_on_file(std::string("x"));
  compss::barrier();
  compss::barrier(true);
}

TEST(Sequential, NumberOfResourcesIsOneNode) {
  // The program runs on this machine alone: one node, whatever COMPSS_THREADS says (a
  // local compss-cc run answers the same).
  ::setenv("COMPSS_THREADS", "4", 1);
  EXPECT_EQ(compss::number_of_resources(), 1u);
  ::unsetenv("COMPSS_THREADS");
  EXPECT_EQ(compss::number_of_resources(), 1u);
}

TEST(Sequential, CallTaskRunsInline) {
  int x = 1;
  call_task<inc_task, &inc>(x);
  EXPECT_EQ(x, 2);
  compss::Future<int> f = call_task<square_task, &square>(x);
  EXPECT_TRUE(f.ready());
  int y = f;
  EXPECT_EQ(y, 4);
  auto g = call_task<square_task, &square>(f);  // a future as argument
  EXPECT_EQ(compss::wait_on(g), 16);
}

TEST(Sequential, RunMainCallsMain) { EXPECT_EQ(run_main(0, nullptr, &user_main), 5); }

TEST(Sequential, ThisTaskHoldsTheWholeMachine) {
  EXPECT_EQ(compss::this_task::computing_units(), 1u);
  const std::vector<std::uint32_t> cpus = compss::this_task::cpus();
  ASSERT_FALSE(cpus.empty());  // every core: 0..n-1
  for (std::size_t i = 0; i < cpus.size(); ++i) EXPECT_EQ(cpus[i], i);
  EXPECT_TRUE(compss::this_task::gpus().empty());
}
