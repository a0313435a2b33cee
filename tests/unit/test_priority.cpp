// Priority tasks: ready priority tasks run before ready ordinary ones.
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::Recorder;
using compss_test::RuntimeTest;

namespace {

Recorder rec;
std::atomic<bool> started{false};
std::atomic<bool> release{false};

void blocker() {
  started = true;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!release.load() && std::chrono::steady_clock::now() < until) pause_ms(1);
}
void mark(int tag) { rec.add(tag); }

constexpr TaskSpec blocker_task{"blocker", "void blocker()", nullptr, 0};
constexpr ParamSpec mark_params[] = {{Direction::in, ParamKind::object, "tag"}};
constexpr TaskSpec mark_task{"mark", "void mark(int)", mark_params, 1};
constexpr TaskSpec urgent_task{.name = "mark",
                               .signature = "void mark(int)",
                               .params = mark_params,
                               .param_count = 1,
                               .priority = true};

class Priority : public RuntimeTest {
 protected:
  void SetUp() override {
    ::setenv("COMPSS_THREADS", "1", 1);  // one worker: the run order is the queue order
    RuntimeTest::SetUp();
    rec.clear();
    started = false;
    release = false;
  }
  void TearDown() override {
    release = true;
    RuntimeTest::TearDown();
    ::unsetenv("COMPSS_THREADS");
  }
};

}  // namespace

TEST_F(Priority, ReadyPriorityTaskRunsBeforeOrdinaryOnes) {
  call_task<blocker_task, &blocker>();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!started.load() && std::chrono::steady_clock::now() < until) pause_ms(1);
  ASSERT_TRUE(started.load());
  for (int i = 1; i <= 3; ++i) call_task<mark_task, &mark>(i);
  call_task<urgent_task, &mark>(100);
  call_task<mark_task, &mark>(4);
  release = true;
  compss::barrier();
  auto ev = rec.events();
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[0], 100);
  EXPECT_EQ(std::vector<int>(ev.begin() + 1, ev.end()), (std::vector<int>{1, 2, 3, 4}));
}
