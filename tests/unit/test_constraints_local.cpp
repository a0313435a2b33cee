// Constraints in local runs (runtime/local/constrained.hpp): memory admission against the
// master's memory (COMPSS_MEMORY), computing_units reserved and made known to the body,
// impossible constraints failing at the call, unconstrained tasks never held back.
#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>

using namespace compss::detail;
using compss_test::pause_ms;
using compss_test::RuntimeTest;

namespace {

compss_test::Gauge big_tasks;
std::atomic<int> units_seen{0};
std::atomic<bool> release{false};
std::atomic<int> plain_done{0};

/// Stays long enough that tasks allowed to overlap would.
void stage(int) {
  big_tasks.enter();
  units_seen = static_cast<int>(compss::this_task::computing_units());
  pause_ms(20);
  big_tasks.leave();
}
void held(int) {
  big_tasks.enter();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!release.load() && std::chrono::steady_clock::now() < until) pause_ms(1);
  big_tasks.leave();
}
void plain(int) {
  units_seen = static_cast<int>(compss::this_task::computing_units());
  ++plain_done;
}

std::atomic<bool> touch_go{false};
/// Finishes only once the test has called its successor (so the successor is made ready
/// by this task's end, not at its call).
void touch(int& d) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!touch_go.load() && std::chrono::steady_clock::now() < until) pause_ms(1);
  ++d;
}
void step(int& d) {
  big_tasks.enter();
  ++d;
  big_tasks.leave();
}

constexpr ParamSpec int_param[] = {{Direction::in, ParamKind::object, "i"}};
constexpr Constraint six_gb[] = {{"memory_size", "6"}};
constexpr Constraint two_cores[] = {{"computing_units", "2"}};
constexpr Constraint sixty_four_gb[] = {{"memory_size", "64"}};
constexpr Constraint bad_value[] = {{"memory_size", "$COMPSS_TEST_UNSET_VARIABLE"}};

constexpr TaskSpec stage_6gb{.name = "stage", .signature = "void stage(int)", .params = int_param,
                             .param_count = 1, .constraints = six_gb, .constraint_count = 1};
constexpr TaskSpec held_6gb{.name = "held", .signature = "void held(int)", .params = int_param,
                            .param_count = 1, .constraints = six_gb, .constraint_count = 1};
constexpr TaskSpec stage_2cu{.name = "stage", .signature = "void stage(int)", .params = int_param,
                             .param_count = 1, .constraints = two_cores, .constraint_count = 1};
constexpr TaskSpec huge{.name = "assemble", .signature = "void stage(int)", .params = int_param,
                        .param_count = 1, .constraints = sixty_four_gb, .constraint_count = 1};
constexpr TaskSpec unset_var{.name = "stage", .signature = "void stage(int)", .params = int_param,
                             .param_count = 1, .constraints = bad_value, .constraint_count = 1};
constexpr ParamSpec inout_param[] = {{Direction::inout, ParamKind::object, "d"}};
constexpr TaskSpec step_6gb{.name = "step", .signature = "void step(int &)", .params = inout_param,
                            .param_count = 1, .constraints = six_gb, .constraint_count = 1};
constexpr TaskSpec touch_task{"touch", "void touch(int &)", inout_param, 1};
constexpr TaskSpec plain_task{"plain", "void plain(int)", int_param, 1};

class LocalConstraints : public RuntimeTest {
 protected:
  void SetUp() override {
    ::setenv("COMPSS_THREADS", "4", 1);
    ::setenv("COMPSS_MEMORY", "8", 1);
    RuntimeTest::SetUp();
    big_tasks.reset();
    units_seen = 0;
    release = false;
    plain_done = 0;
    touch_go = false;
  }
  void TearDown() override {
    release = true;
    touch_go = true;
    RuntimeTest::TearDown();
    ::unsetenv("COMPSS_THREADS");
    ::unsetenv("COMPSS_MEMORY");
  }
};

}  // namespace

TEST_F(LocalConstraints, SixGigabyteTasksNeverOverlapOnEightGigabytes) {
  for (int i = 0; i < 6; ++i) call_task<stage_6gb, &stage>(i);
  compss::barrier();
  EXPECT_EQ(big_tasks.max.load(), 1);
}

TEST_F(LocalConstraints, ComputingUnitsAreReservedAndKnownToTheBody) {
  for (int i = 0; i < 8; ++i) call_task<stage_2cu, &stage>(i);
  compss::barrier();
  EXPECT_EQ(big_tasks.max.load(), 2);  // 4 cores / 2 each
  EXPECT_EQ(units_seen.load(), 2);
  call_task<plain_task, &plain>(0);
  compss::barrier();
  EXPECT_EQ(units_seen.load(), 1);
  EXPECT_EQ(compss::this_task::computing_units(), 1U);  // outside a task
}

namespace {
/// The message of the compss::Error the next barrier throws ("no error" if none).
std::string barrier_error() {
  try {
    compss::barrier();
  } catch (const compss::Error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_F(LocalConstraints, ImpossibleConstraintsFailTheRunAtTheCall) {
  // The call returns (main's objects stay valid while running tasks end); the failure is
  // recorded at once, so no task starts after it and the next synchronization throws.
  call_task<plain_task, &plain>(0);
  call_task<huge, &stage>(1);
  call_task<stage_6gb, &stage>(2);
  std::string m = barrier_error();
  EXPECT_NE(m.find("task 'assemble' (id 2) failed: task 'assemble' can never run"), std::string::npos) << m;
  EXPECT_NE(m.find("memory_size=64 GB (best node 'master' has 8 GB)"), std::string::npos) << m;
  EXPECT_EQ(big_tasks.max.load(), 0);  // neither it nor the task after it ran

  compss::detail::shutdown_runtime();
  call_task<unset_var, &stage>(1);
  m = barrier_error();
  EXPECT_NE(m.find("constraint memory_size='$COMPSS_TEST_UNSET_VARIABLE'"), std::string::npos) << m;
  EXPECT_NE(m.find("COMPSS_TEST_UNSET_VARIABLE is not set"), std::string::npos) << m;
  EXPECT_EQ(big_tasks.max.load(), 0);
}

TEST_F(LocalConstraints, WaitingConstrainedTaskDoesNotHoldBackOthers) {
  call_task<held_6gb, &held>(1);
  call_task<held_6gb, &held>(2);  // waits for the memory the first holds
  for (int i = 0; i < 20; ++i) call_task<plain_task, &plain>(i);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  // (The first held task may start after the plain ones on a loaded machine: wait for both.)
  while ((plain_done.load() < 20 || big_tasks.now.load() < 1) && std::chrono::steady_clock::now() < until)
    pause_ms(1);
  EXPECT_EQ(plain_done.load(), 20);
  EXPECT_EQ(big_tasks.now.load(), 1);
  release = true;
  compss::barrier();
  EXPECT_EQ(big_tasks.max.load(), 1);
}

TEST_F(LocalConstraints, ConstrainedSuccessorsAreNotRunInline) {
  // An unconstrained task makes a constrained one ready on its own thread, where the fast
  // path would run it at once: it must still wait for the memory the held task has.
  int datum = 0;
  call_task<held_6gb, &held>(0);
  call_task<touch_task, &touch>(datum);
  call_task<step_6gb, &step>(datum);
  touch_go = true;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (datum == 0 && std::chrono::steady_clock::now() < until) pause_ms(1);
  pause_ms(20);  // time for the step to start, were it not held back
  EXPECT_EQ(big_tasks.max.load(), 1);
  release = true;
  compss::barrier();
  EXPECT_EQ(datum, 2);
  EXPECT_EQ(big_tasks.max.load(), 1);
}

TEST_F(LocalConstraints, MalformedMemorySettingStopsTheStart) {
  compss::detail::shutdown_runtime();
  ::setenv("COMPSS_MEMORY", "lots", 1);
  try {
    call_task<plain_task, &plain>(1);
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("invalid COMPSS_MEMORY='lots'"), std::string::npos) << e.what();
  }
  ::setenv("COMPSS_MEMORY", "8", 1);
  call_task<plain_task, &plain>(1);
  compss::barrier();
  EXPECT_EQ(plain_done.load(), 1);
}
