// COMPSS_THREADS parsing and the thread count the runtime uses.
#include "test_support.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

using namespace compss::detail;
using compss_test::RuntimeTest;

namespace {
/// Sets COMPSS_THREADS for one test and restores the previous value.
class EnvThreads {
 public:
  explicit EnvThreads(const char* value) {
    if (const char* old = std::getenv("COMPSS_THREADS")) old_ = old, had_ = true;
    if (value) ::setenv("COMPSS_THREADS", value, 1); else ::unsetenv("COMPSS_THREADS");
  }
  ~EnvThreads() {
    if (had_) ::setenv("COMPSS_THREADS", old_.c_str(), 1); else ::unsetenv("COMPSS_THREADS");
  }
 private:
  std::string old_;
  bool had_ = false;
};

void inc(int& x) { ++x; }
static constexpr ParamSpec inout_x[] = {{Direction::inout, ParamKind::object, "x"}};
static constexpr TaskSpec inc_task{"inc", "void inc(int &)", inout_x, 1};

/// Records how many meet() calls had started, waiting up to 10 s for three.
std::atomic<int> arrived{0};
void meet(int& seen) {
  arrived.fetch_add(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (arrived.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  seen = arrived.load();
}
static constexpr TaskSpec meet_task{"meet", "void meet(int &)", inout_x, 1};
}  // namespace

TEST(ThreadCount, ParsesPositiveIntegers) {
  EXPECT_EQ(parse_thread_count("1"), 1u);
  EXPECT_EQ(parse_thread_count("8"), 8u);
  EXPECT_EQ(parse_thread_count("0016"), 16u);
}

TEST(ThreadCount, UnsetMeansAllCores) {
  unsigned hw = std::thread::hardware_concurrency();
  EXPECT_EQ(parse_thread_count(nullptr), hw == 0 ? 1u : hw);
  EXPECT_EQ(parse_thread_count(""), hw == 0 ? 1u : hw);
}

TEST(ThreadCount, RejectsBadValuesNamingTheVariable) {
  for (const char* bad : {"0", "abc", "-3", "4x", " 4", "1.5", "99999999999999999999"}) {
    try {
      parse_thread_count(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const compss::Error& e) {
      EXPECT_NE(std::string(e.what()).find("COMPSS_THREADS"), std::string::npos) << e.what();
    }
  }
}

using RuntimeThreads = RuntimeTest;

TEST_F(RuntimeThreads, EnvironmentSetsTheThreadCount) {
  EnvThreads env("3");
  start_runtime();
  // Three tasks meet: each waits (bounded) until all three have started.
  std::array<int, 3> seen{};
  for (int& s : seen) call_task<meet_task, &meet>(s);
  compss::barrier();
  for (int s : seen) EXPECT_EQ(s, 3);
  int x = 0;
  for (int i = 0; i < 100; ++i) call_task<inc_task, &inc>(x);
  EXPECT_EQ(compss::wait_on(x), 100);
}

TEST_F(RuntimeThreads, NumberOfResourcesIsTheNodesNotTheThreads) {
  // PyCOMPSs' meaning (compss_get_number_of_resources): a local run is one node, whatever
  // COMPSS_THREADS says, before and after the runtime starts.
  EnvThreads env("3");
  EXPECT_EQ(compss::number_of_resources(), 1u);
  int x = 0;
  call_task<inc_task, &inc>(x);
  compss::barrier();
  EXPECT_EQ(compss::number_of_resources(), 1u);
}

TEST_F(RuntimeThreads, OneThreadStillRunsEverything) {
  EnvThreads env("1");
  std::vector<int> v(500, 0);
  for (int& e : v) call_task<inc_task, &inc>(e);
  compss::barrier();
  for (int e : v) EXPECT_EQ(e, 1);
  EXPECT_EQ(compss::number_of_resources(), 1u);
}

TEST_F(RuntimeThreads, BadEnvironmentFailsTheFirstTask) {
  EnvThreads env("zero");
  int x = 0;
  EXPECT_THROW((call_task<inc_task, &inc>(x)), compss::Error);
  EXPECT_THROW(start_runtime(), compss::Error);
  EXPECT_EQ(x, 0);
}
