// The data API in a plain sequential build (no __COMPSS__, no libcompss).
#include <compss/compss.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

TEST(DataSequential, EveryCallIsItsPlainEquivalent) {
  fs::path p = fs::temp_directory_path() / ("compss_data_seq_" + std::to_string(::getpid()));
  {
    std::fstream f = compss::open(p, "w");
    f << "seq";
  }
  EXPECT_TRUE(compss::file_exists(p));
  std::fstream r = compss::open(p, std::ios::in);
  std::string s;
  r >> s;
  EXPECT_EQ(s, "seq");
  int x = 3;
  compss::delete_object(x);
  EXPECT_EQ(x, 3);
  compss::delete_file(p);
  EXPECT_FALSE(compss::file_exists(p));
  compss::delete_file(p);  // a missing file is not an error
}

namespace {
void scale(double* a, int n) {
  for (int i = 0; i < n; ++i) a[i] *= 2;
}
void sum(const std::vector<int>& v, int& out) {
  out = 0;
  for (int x : v) out += x;
}
using compss::detail::Direction;
using compss::detail::ParamKind;
constexpr compss::detail::ParamSpec scale_params[] = {{Direction::inout, ParamKind::object, "a"},
                                                      {Direction::in, ParamKind::object, "n"}};
constexpr compss::detail::TaskSpec scale_task{"scale", "void scale(double *, int)", scale_params,
                                              2};
constexpr compss::detail::ParamSpec sum_params[] = {
    {Direction::in, ParamKind::collection, "v"}, {Direction::out, ParamKind::object, "out"}};
constexpr compss::detail::TaskSpec sum_task{"sum", "void sum(const std::vector<int> &, int &)",
                                            sum_params, 2};
}  // namespace

TEST(DataSequential, SectionsAndVectorsOfFuturesRunInline) {
  double a[2] = {1, 2};
  compss::detail::call_task<scale_task, &scale>(compss::detail::section(a, 2), 2);
  EXPECT_EQ(a[1], 4.0);
  std::vector<compss::Future<int>> v{compss::Future<int>(2), compss::Future<int>(3)};
  int s = 0;
  compss::detail::call_task<sum_task, &sum>(v, s);
  EXPECT_EQ(s, 5);
}
