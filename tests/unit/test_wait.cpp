// wait_on / barrier semantics.
#include "test_support.hpp"

#include <array>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::RuntimeTest;

namespace {

void slow_set(int& x, int v) {
  pause_ms(10);
  x = v;
}
void slow_fill(std::vector<int>& v, int value) {
  pause_ms(10);
  for (int& e : v) e = value;
}
static constexpr ParamSpec set_params[] = {{Direction::out, ParamKind::object, "x"},
                                           {Direction::in, ParamKind::object, "v"}};
static constexpr TaskSpec set_task{"slow_set", "void slow_set(int &, int)", set_params, 2};
static constexpr TaskSpec fill_task{"slow_fill", "void slow_fill(std::vector<int> &, int)",
                                    set_params, 2};

}  // namespace

using Wait = RuntimeTest;

TEST_F(Wait, WaitOnObjectReturnsTheObject) {
  int x = 0;
  call_task<set_task, &slow_set>(x, 3);
  int& r = compss::wait_on(x);
  EXPECT_EQ(&r, &x);
  EXPECT_EQ(x, 3);
}

TEST_F(Wait, WaitOnVectorWaitsForEveryElement) {
  std::vector<int> v(16, 0);
  for (int i = 0; i < 16; ++i) call_task<set_task, &slow_set>(v[i], i + 1);
  compss::wait_on(v);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(v[i], i + 1);
}

TEST_F(Wait, WaitOnLargeVectorWithFewTasks) {
  std::vector<int> v(100000, 0);
  call_task<set_task, &slow_set>(v[77777], 5);
  compss::wait_on(v);
  EXPECT_EQ(v[77777], 5);
}

TEST_F(Wait, WaitOnNestedContainers) {
  std::vector<std::vector<int>> vv(4, std::vector<int>(4, 0));
  std::array<int, 3> arr{};
  // Distinct data only: an element and its enclosing vector are different data.
  for (int i : {0, 2, 3}) call_task<set_task, &slow_set>(vv[i][i], 10 + i);
  call_task<fill_task, &slow_fill>(vv[1], 7);  // the inner vector as one object
  for (int i = 0; i < 3; ++i) call_task<set_task, &slow_set>(arr[i], i);
  compss::wait_on(vv);
  compss::wait_on(arr);
  EXPECT_EQ(vv[0][0], 10);
  EXPECT_EQ(vv[1], std::vector<int>(4, 7));
  EXPECT_EQ(vv[2][2], 12);
  EXPECT_EQ(vv[3][3], 13);
  EXPECT_EQ(arr, (std::array<int, 3>{0, 1, 2}));
}

TEST_F(Wait, BarrierWaitsForEverything) {
  std::vector<int> v(32, 0);
  for (int i = 0; i < 32; ++i) call_task<set_task, &slow_set>(v[i], 1);
  compss::barrier();
  for (int e : v) EXPECT_EQ(e, 1);
  compss::barrier(true);  // nothing pending: returns at once
}

TEST_F(Wait, WaitWithoutTasksDoesNothing) {
  int x = 4;
  EXPECT_EQ(compss::wait_on(x), 4);
  compss::barrier();
  compss::wait_on_file("/nonexistent/file");
}

TEST_F(Wait, NumberOfResourcesIsOneNodeLocally) { EXPECT_EQ(compss::number_of_resources(), 1u); }
