// Thousands of tasks with random failures (fixed seed) and mixed policies while main keeps
// submitting: nothing hangs, no cancelled task runs, and the report names exactly the tasks
// a sequential model of the policies predicts.
#include "failure_test_support.hpp"

#include <atomic>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <vector>

using namespace compss::detail;
using compss_test::FailureTest;

namespace {

constexpr int task_count = 4000;
constexpr int object_count = 48;

std::vector<std::atomic<int>> ran(task_count);
std::vector<char> fails(task_count);

void step(int index, int& a, const int& b) {
  ran[index].fetch_add(1);
  if (fails[index]) throw std::runtime_error("random failure");
  a += b + 1;
}
void reset_to(int index, int& a) {
  ran[index].fetch_add(1);
  if (fails[index]) throw std::runtime_error("random failure");
  a = 0;
}

constexpr ParamSpec step_params[] = {{Direction::in, ParamKind::object, "index"},
                                     {Direction::inout, ParamKind::object, "a"},
                                     {Direction::in, ParamKind::object, "b"}};
constexpr ParamSpec reset_params[] = {{Direction::in, ParamKind::object, "index"},
                                      {Direction::out, ParamKind::object, "a"}};
constexpr TaskSpec step_cancel{.name = "step", .signature = "void step(int, int &, const int &)",
                               .params = step_params, .param_count = 3,
                               .on_failure = OnFailure::cancel_successors};
constexpr TaskSpec step_ignore{.name = "step", .signature = "void step(int, int &, const int &)",
                               .params = step_params, .param_count = 3,
                               .on_failure = OnFailure::ignore};
constexpr TaskSpec step_fail{.name = "step", .signature = "void step(int, int &, const int &)",
                             .params = step_params, .param_count = 3,
                             .on_failure = OnFailure::fail};
constexpr TaskSpec reset_cancel{.name = "reset", .signature = "void reset_to(int, int &)",
                                .params = reset_params, .param_count = 2,
                                .on_failure = OnFailure::cancel_successors};

enum class Kind { step_cancel, step_ignore, reset };
struct Planned {
  Kind kind;
  int a, b;
};

std::vector<Planned> plan(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Planned> p(task_count);
  for (int i = 0; i < task_count; ++i) {
    int a = static_cast<int>(rng() % object_count);
    int b = static_cast<int>(rng() % (object_count - 1));
    if (b >= a) ++b;
    unsigned k = rng() % 10;
    p[i] = {k < 5 ? Kind::step_cancel : k < 9 ? Kind::step_ignore : Kind::reset, a, b};
    fails[i] = rng() % 100 < 8;
    ran[i] = 0;
  }
  return p;
}

std::set<std::uint64_t> ids_with(const std::string& report, const std::string& status) {
  std::set<std::uint64_t> ids;
  std::regex line("task '[a-z]+' \\(id ([0-9]+)\\) " + status);
  for (std::sregex_iterator it(report.begin(), report.end(), line), end; it != end; ++it) {
    ids.insert(std::stoull((*it)[1]));
  }
  return ids;
}

}  // namespace

using FailureStress = FailureTest;

TEST_F(FailureStress, MixedPoliciesMatchTheSequentialModel) {
  std::vector<Planned> p = plan(20261123);
  std::vector<int> objects(object_count, 0);
  for (int i = 0; i < task_count; ++i) {
    switch (p[i].kind) {
      case Kind::step_cancel:
        call_task<step_cancel, &step>(i, objects[p[i].a], objects[p[i].b]);
        break;
      case Kind::step_ignore:
        call_task<step_ignore, &step>(i, objects[p[i].a], objects[p[i].b]);
        break;
      case Kind::reset:
        call_task<reset_cancel, &reset_to>(i, objects[p[i].a]);
        break;
    }
  }
  compss::barrier();  // cancel_successors and ignore never stop the application

  // The model: an object is invalid after a failed cancel_successors write or a cancelled
  // write, valid again after a successful write; a task reading an invalid object is
  // cancelled. Task ids are 1.. in submission order (fresh runtime).
  std::vector<char> invalid(object_count, 0);
  std::set<std::uint64_t> cancelled, failed;
  for (int i = 0; i < task_count; ++i) {
    const Planned& t = p[i];
    std::uint64_t id = static_cast<std::uint64_t>(i) + 1;
    bool reads = t.kind != Kind::reset;
    if (reads && (invalid[t.a] || invalid[t.b])) {
      cancelled.insert(id);
      invalid[t.a] = 1;
    } else if (fails[i]) {
      failed.insert(id);
      if (t.kind != Kind::step_ignore) invalid[t.a] = 1;
    } else {
      invalid[t.a] = 0;
    }
  }
  int never_ran_but_should = 0, cancelled_but_ran = 0;
  for (int i = 0; i < task_count; ++i) {
    std::uint64_t id = static_cast<std::uint64_t>(i) + 1;
    if (cancelled.count(id) != 0) {
      cancelled_but_ran += ran[i].load() != 0;
    } else {
      never_ran_but_should += ran[i].load() != 1;
    }
  }
  EXPECT_EQ(cancelled_but_ran, 0);
  EXPECT_EQ(never_ran_but_should, 0);
  EXPECT_GT(cancelled.size(), 50u);  // the seed gives a real mix
  EXPECT_GT(failed.size(), 30u);

  std::string r = report();
  EXPECT_EQ(ids_with(r, "cancelled"), cancelled);
  EXPECT_EQ(ids_with(r, "failed"), failed);
}

TEST_F(FailureStress, FailPolicyStopsWithoutHangingAndReportsEveryTask) {
  std::vector<Planned> p = plan(7);
  std::vector<int> objects(object_count, 0);
  bool stopped = false;
  for (int i = 0; i < task_count; ++i) {
    try {
      if (p[i].kind == Kind::reset) {
        call_task<step_fail, &step>(i, objects[p[i].a], objects[p[i].b]);
      } else {
        call_task<step_cancel, &step>(i, objects[p[i].a], objects[p[i].b]);
      }
    } catch (const compss::Error&) {
      stopped = true;
    }
  }
  EXPECT_FALSE(stopped);  // submitting never throws
  EXPECT_THROW(compss::barrier(), compss::Error);
  std::string r = report();
  // Every task either ran to its end, or is in the report (failed or cancelled).
  std::set<std::uint64_t> reported = ids_with(r, "(failed|cancelled|timed out)");
  int unaccounted = 0, cancelled_but_ran = 0;
  std::set<std::uint64_t> cancelled = ids_with(r, "cancelled");
  for (int i = 0; i < task_count; ++i) {
    std::uint64_t id = static_cast<std::uint64_t>(i) + 1;
    if (ran[i].load() == 0 && reported.count(id) == 0) ++unaccounted;
    if (cancelled.count(id) != 0 && ran[i].load() != 0) ++cancelled_but_ran;
  }
  EXPECT_EQ(unaccounted, 0);
  EXPECT_EQ(cancelled_but_ran, 0);
  EXPECT_GE(compss_test::contains(r, "the application stops"), true);
}
