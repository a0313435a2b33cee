// Collections (dependencies per element), vectors of futures, array sections.
#include "test_support.hpp"

#include <numeric>
#include <span>
#include <vector>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::RuntimeTest;

namespace {

void inc(int& x) {
  pause_ms(3);
  ++x;
}
void read_int(const int& x, int& out) { out = x; }
void double_all(std::vector<int>& v) {
  for (int& e : v) e *= 2;
}
void sum_all(const std::vector<int>& v, int& out) { out = std::accumulate(v.begin(), v.end(), 0); }
void sum_copy(std::vector<int> v, int& out) { out = std::accumulate(v.begin(), v.end(), 0); }
void fill_span(std::span<int> s, int base) {
  pause_ms(3);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = base + static_cast<int>(i);
}
void sum_nested(const std::vector<std::vector<int>>& v, int& out) {
  out = 0;
  for (const auto& row : v) out += std::accumulate(row.begin(), row.end(), 0);
}
int square(int x) {
  pause_ms(2);
  return x * x;
}
void scale(double* a, int n, double f) {
  pause_ms(3);
  for (int i = 0; i < n; ++i) a[i] *= f;
}
void total(const double* a, int n, double& out) {
  out = 0;
  for (int i = 0; i < n; ++i) out += a[i];
}

constexpr ParamSpec inc_params[] = {{Direction::inout, ParamKind::object, "x"}};
constexpr TaskSpec inc_task{"inc", "void inc(int &)", inc_params, 1};
constexpr ParamSpec read_params[] = {{Direction::in, ParamKind::object, "x"},
                                     {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec read_task{"read_int", "void read_int(const int &, int &)", read_params, 2};
constexpr ParamSpec double_params[] = {{Direction::inout, ParamKind::collection, "v"}};
constexpr TaskSpec double_task{"double_all", "void double_all(std::vector<int> &)",
                               double_params, 1};
constexpr ParamSpec sum_params[] = {{Direction::in, ParamKind::collection, "v"},
                                    {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec sum_task{"sum_all", "void sum_all(const std::vector<int> &, int &)",
                            sum_params, 2};
constexpr TaskSpec sum_copy_task{"sum_copy", "void sum_copy(std::vector<int>, int &)", sum_params,
                                 2};
constexpr TaskSpec sum_nested_task{
    "sum_nested", "void sum_nested(const std::vector<std::vector<int>> &, int &)", sum_params, 2};
constexpr ParamSpec fill_params[] = {{Direction::out, ParamKind::collection, "s"},
                                     {Direction::in, ParamKind::object, "base"}};
constexpr TaskSpec fill_task{"fill_span", "void fill_span(std::span<int>, int)", fill_params, 2};
constexpr ParamSpec square_params[] = {{Direction::in, ParamKind::object, "x"}};
constexpr TaskSpec square_task{"square", "int square(int)", square_params, 1};
constexpr ParamSpec scale_params[] = {{Direction::inout, ParamKind::object, "a"},
                                      {Direction::in, ParamKind::object, "n"},
                                      {Direction::in, ParamKind::object, "f"}};
constexpr TaskSpec scale_task{"scale", "void scale(double *, int, double)", scale_params, 3};
constexpr ParamSpec total_params[] = {{Direction::in, ParamKind::object, "a"},
                                      {Direction::in, ParamKind::object, "n"},
                                      {Direction::out, ParamKind::object, "out"}};
constexpr TaskSpec total_task{"total", "void total(const double *, int, double &)", total_params,
                              3};

// What the submit hook saw for the first parameter.
struct Seen {
  std::uint32_t elements = 0;
  std::size_t bytes = 0;
};
Seen seen;
void capture_first(const TaskBase& t) {
  const ParamDescriptor& p = t.params()[0];
  seen.elements = p.element_count;
  if (p.serializable()) {
    compss::OutputArchive out;
    p.save(out);
    seen.bytes = out.bytes().size();
  }
}

class Collections : public RuntimeTest {
 protected:
  void TearDown() override {
    set_submit_hook(nullptr);
    RuntimeTest::TearDown();
  }
};

}  // namespace

TEST_F(Collections, ElementsAreOrderedAgainstPerElementTasks) {
  std::vector<int> v{1, 2, 3, 4};
  for (int& e : v) call_task<inc_task, &inc>(e);         // 2 3 4 5
  call_task<double_task, &double_all>(v);                // waits for each inc
  int first = -1, sum = -1;
  call_task<read_task, &read_int>(v[0], first);          // waits for double_all
  call_task<inc_task, &inc>(v[3]);                       // WAR/WAW on one element
  call_task<sum_task, &sum_all>(v, sum);                 // waits for that inc
  compss::wait_on(first);
  compss::wait_on(sum);
  EXPECT_EQ(first, 4);
  EXPECT_EQ(sum, 4 + 6 + 8 + 11);
}

TEST_F(Collections, DescriptorHasOneElementPerItem) {
  std::vector<int> v(5, 1);
  int sum = 0;
  set_submit_hook(&capture_first);
  call_task<sum_task, &sum_all>(v, sum);
  compss::wait_on(sum);
  EXPECT_EQ(seen.elements, 5u);
  EXPECT_EQ(sum, 5);
}

TEST_F(Collections, ByValueCollectionIsCopiedAfterPendingWrites) {
  std::vector<int> v{1, 1, 1};
  for (int& e : v) call_task<inc_task, &inc>(e);
  int sum = -1;
  call_task<sum_copy_task, &sum_copy>(v, sum);
  compss::wait_on(sum);
  EXPECT_EQ(sum, 6);
}

TEST_F(Collections, SpanElementsAreWrittenThenRead) {
  std::vector<int> v(4, 0);
  call_task<fill_task, &fill_span>(std::span<int>(v), 10);
  int last = -1;
  call_task<read_task, &read_int>(v[3], last);
  compss::wait_on(last);
  EXPECT_EQ(last, 13);
}

TEST_F(Collections, NestedVectorsDependOnInnerElements) {
  std::vector<std::vector<int>> m{{1, 2}, {3}, {4, 5, 6}};
  for (auto& row : m)
    for (int& e : row) call_task<inc_task, &inc>(e);
  int sum = -1;
  set_submit_hook(&capture_first);
  call_task<sum_nested_task, &sum_nested>(m, sum);
  compss::wait_on(sum);
  EXPECT_EQ(seen.elements, 6u);
  EXPECT_EQ(sum, 21 + 6);
}

TEST_F(Collections, VectorOfFuturesBecomesVectorOfValues) {
  std::vector<compss::Future<int>> squares;
  for (int i = 1; i <= 5; ++i) squares.push_back(call_task<square_task, &square>(i));
  int sum = -1, sum2 = -1;
  call_task<sum_task, &sum_all>(squares, sum);
  call_task<sum_copy_task, &sum_copy>(squares, sum2);
  compss::wait_on(sum);
  compss::wait_on(sum2);
  EXPECT_EQ(sum, 1 + 4 + 9 + 16 + 25);
  EXPECT_EQ(sum2, sum);
}

TEST_F(Collections, EmptyFutureInVectorIsAnError) {
  std::vector<compss::Future<int>> v(2);
  int sum = 0;
  EXPECT_THROW((call_task<sum_task, &sum_all>(v, sum)), compss::Error);
}

TEST_F(Collections, ArraySectionIsOneDatumKeyedByItsStart) {
  double a[4] = {1, 2, 3, 4};
  set_submit_hook(&capture_first);
  call_task<scale_task, &scale>(section(a, 4), 4, 2.0);
  EXPECT_EQ(seen.bytes, sizeof(std::uint64_t) + 4 * sizeof(double));
  call_task<scale_task, &scale>(section(a, 4), 4, 10.0);   // WAW on the section
  double sum = -1;
  call_task<total_task, &total>(section<const double>(a, 4), 4, sum);  // RAW
  compss::wait_on(sum);
  EXPECT_EQ(sum, 200.0);
  compss::wait_on(a[0]);
  EXPECT_EQ(a[0], 20.0);
}

TEST_F(Collections, ArraySectionRoundTripsThroughAnArchive) {
  double a[3] = {1.5, 2.5, 3.5};
  compss::OutputArchive out;
  auto s = section(a, 3);
  out(s);
  double b[3] = {};
  auto t = section(b, 3);
  compss::InputArchive in(out.bytes());
  in(t);
  EXPECT_EQ(b[2], 3.5);
  double c[2] = {};
  auto u = section(c, 2);
  compss::InputArchive bad(out.bytes());
  EXPECT_THROW(bad(u), compss::Error);
}
