// Task versions (`#pragma compss implement`) as the scheduler sees them: the task type
// made from a TaskSpec and its versions (sched/task_type_of.hpp), and which implementation
// runs on which node, over fake nodes (docs/pragmas.md, "Versions").
#include "sched/scheduler.hpp"
#include "sched/task_type_of.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

using namespace compss::sched;
using compss::detail::Constraint;
using compss::detail::TaskSpec;

namespace {

// What compss-cc emits for `scale` with two versions (tests/lit/task-implement-call.cpp).
constexpr Constraint gpu_pairs[] = {{"processor_type", "GPU"}};
constexpr Constraint wide_pairs[] = {{"computing_units", "4"}, {"memory_size", "2"}};
constexpr TaskSpec scale_gpu{.name = "scale_gpu", .signature = "void scale_gpu(double &)",
                             .params = nullptr, .param_count = 0, .constraints = gpu_pairs,
                             .constraint_count = 1, .implements = "void scale(double &)"};
constexpr TaskSpec scale_wide{.name = "scale_wide", .signature = "void scale_wide(double &)",
                              .params = nullptr, .param_count = 0, .constraints = wide_pairs,
                              .constraint_count = 2, .implements = "void scale(double &)"};
constexpr const TaskSpec* scale_versions[] = {&scale_gpu, &scale_wide};
constexpr TaskSpec scale{.name = "scale", .signature = "void scale(double &)", .params = nullptr,
                         .param_count = 0, .versions = scale_versions, .version_count = 2};

Resources node(std::uint32_t cores, std::uint32_t gpus = 0, double memory_gb = 8) {
  Resources r;
  r.processors.push_back({.type = ProcessorType::cpu, .units = cores});
  if (gpus != 0) r.processors.push_back({.type = ProcessorType::gpu, .units = gpus});
  r.memory_gb = memory_gb;
  return r;
}

/// Nodes whose tasks run until the test ends them; records (node, implementation name).
class Nodes final : public NodeExecutor {
 public:
  Nodes() : sched({}) {}
  void run(Placement p, Completion& done) override {
    std::lock_guard lock(m);
    ran.push_back({names.at(p.allocation.node()), p.type->type.versions[p.version].name});
    running.emplace_back(std::move(p), &done);
  }
  NodeId add(const std::string& name, Resources r) {
    NodeId id = sched.add_node(name, std::move(r), *this);
    names[id] = name;
    return id;
  }
  void end_all() {
    while (true) {
      std::pair<Placement, Completion*> r;
      {
        std::lock_guard lock(m);
        if (running.empty()) return;
        r = std::move(running.front());
        running.erase(running.begin());
      }
      r.second->ended(r.first);
    }
  }
  /// How many calls ran each implementation on each node.
  std::map<std::pair<std::string, std::string>, int> tally() const {
    std::map<std::pair<std::string, std::string>, int> out;
    for (const auto& r : ran) ++out[r];
    return out;
  }

  Scheduler sched;
  std::mutex m;
  std::map<NodeId, std::string> names;
  std::vector<std::pair<std::string, std::string>> ran;
  std::vector<std::pair<Placement, Completion*>> running;
};

}  // namespace

TEST(SchedVersions, TheTaskTypeListsTheTaskThenItsVersionsInOrder) {
  TaskType t = task_type_of(scale);
  ASSERT_EQ(t.versions.size(), 3U);
  EXPECT_EQ(t.versions[0].name, "scale");
  EXPECT_EQ(t.versions[1].name, "scale_gpu");
  EXPECT_EQ(t.versions[2].name, "scale_wide");
  EXPECT_TRUE(t.versions[0].constraints.unconstrained());
  EXPECT_EQ(t.versions[1].constraints.demand.gpus(), 1U);
  EXPECT_EQ(t.versions[2].constraints.demand.cpus(), 4U);
  EXPECT_EQ(t.versions[2].constraints.demand.memory_mb, 2048U);
}

/// Where one call of `spec`, made replicated, runs over a 2-core node, a 1-core node with
/// a GPU and a 4-core node: (node, implementation) per replica.
std::map<std::pair<std::string, std::string>, int> replicas_of(TaskSpec spec) {
  spec.replicated = true;
  Nodes n;
  n.add("cpu", node(2));
  n.add("gpu", node(1, 1));
  n.add("wide", node(4));
  const TaskClass* c = n.sched.register_type(task_type_of(spec));
  static int call;
  n.sched.submit(&call, c);
  auto placed = n.tally();
  n.end_all();
  return placed;
}

TEST(SchedVersions, AReplicatedTaskRunsOnEachNodeTheVersionThatFitsIt) {
  TaskSpec spec = scale;
  spec.replicated = true;
  EXPECT_EQ(task_type_of(spec).versions.size(), 3U);
  // One replica per node, each the first version that fits it (accelerators first).
  EXPECT_EQ((replicas_of(scale)), (std::map<std::pair<std::string, std::string>, int>{
                                     {{"cpu", "scale"}, 1}, {{"gpu", "scale_gpu"}, 1},
                                     {{"wide", "scale"}, 1}}));
}

TEST(SchedVersions, AReplicatedTaskRunsWhereOnlyAVersionFits) {
  // The task itself asks for an FPGA nobody has: the GPU node runs its GPU version, the
  // 4-core node its wide version, the 2-core node (no implementation fits) nothing.
  static constexpr Constraint fpga[] = {{"processor_type", "FPGA"}};
  TaskSpec spec = scale;
  spec.constraints = fpga;
  spec.constraint_count = 1;
  EXPECT_EQ((replicas_of(spec)), (std::map<std::pair<std::string, std::string>, int>{
                                    {{"gpu", "scale_gpu"}, 1}, {{"wide", "scale_wide"}, 1}}));
}

TEST(SchedVersions, AMalformedVersionConstraintNamesTheVersion) {
  static constexpr Constraint bad[] = {{"memory_size", "lots"}};
  static constexpr TaskSpec v{.name = "scale_bad", .signature = "void scale_bad(double &)",
                              .params = nullptr, .param_count = 0, .constraints = bad,
                              .constraint_count = 1};
  static constexpr const TaskSpec* vs[] = {&v};
  TaskSpec spec = scale;
  spec.versions = vs;
  spec.version_count = 1;
  try {
    task_type_of(spec);
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("task 'scale_bad'"), std::string::npos) << e.what();
  }
}

TEST(SchedVersions, TheGpuVersionRunsOnlyOnGpuNodesAndTheTaskElsewhereAtOnce) {
  Nodes n;
  n.add("cpu", node(2));
  n.add("gpu", node(1, 1));
  const TaskClass* c = n.sched.register_type(task_type_of(scale));
  static int calls[12];
  for (int& call : calls) n.sched.submit(&call, c);
  // Under load both run at once: the GPU version on the GPU, the task on every free core.
  {
    auto running = n.tally();
    EXPECT_EQ((running[{"gpu", "scale_gpu"}]), 1);
    EXPECT_EQ((running[{"cpu", "scale"}]), 2);
    EXPECT_EQ((running[{"gpu", "scale"}]), 1);
  }
  n.end_all();
  int total = 0;
  for (const auto& [where, count] : n.tally()) {
    EXPECT_NE(where, (std::pair<std::string, std::string>{"cpu", "scale_gpu"}));
    EXPECT_NE(where.second, "scale_wide");  // no node has 4 cores
    total += count;
  }
  EXPECT_EQ(total, 12);
}

TEST(SchedVersions, WithoutGpusOnlyTheTaskRuns) {
  Nodes n;
  n.add("a", node(2));
  n.add("b", node(2));
  const TaskClass* c = n.sched.register_type(task_type_of(scale));
  static int calls[6];
  for (int& call : calls) n.sched.submit(&call, c);
  n.end_all();
  EXPECT_EQ((n.tally()), (std::map<std::pair<std::string, std::string>, int>{
                             {{"a", "scale"}, 3}, {{"b", "scale"}, 3}}));
}

TEST(SchedVersions, AVersionRunsWhenTheTaskItselfNeverFits) {
  // The task asks for an FPGA nobody has; its 4-core version fits the wide node only.
  static constexpr Constraint fpga[] = {{"processor_type", "FPGA"}};
  static constexpr TaskSpec base{.name = "scale", .signature = "void scale(double &)",
                                 .params = nullptr, .param_count = 0, .constraints = fpga,
                                 .constraint_count = 1, .versions = scale_versions,
                                 .version_count = 2};
  Nodes n;
  n.add("small", node(2));
  n.add("wide", node(4, 0, 4));
  const TaskClass* c = n.sched.register_type(task_type_of(base));
  EXPECT_NO_THROW(n.sched.check(c));
  static int calls[3];
  for (int& call : calls) n.sched.submit(&call, c);
  n.end_all();
  EXPECT_EQ((n.tally()), (std::map<std::pair<std::string, std::string>, int>{
                             {{"wide", "scale_wide"}, 3}}));
}

TEST(SchedVersions, ACallNoImplementationCanEverRunFailsNamingTheConstraints) {
  static constexpr Constraint fpga[] = {{"processor_type", "FPGA"}};
  static constexpr TaskSpec base{.name = "scale", .signature = "void scale(double &)",
                                 .params = nullptr, .param_count = 0, .constraints = fpga,
                                 .constraint_count = 1, .versions = scale_versions,
                                 .version_count = 2};
  Nodes n;
  n.add("small", node(2));
  const TaskClass* c = n.sched.register_type(task_type_of(base));
  std::string why = n.sched.never_fits(c);
  EXPECT_NE(why.find("task 'scale' can never run"), std::string::npos) << why;
  EXPECT_NE(why.find("computing_units=1 FPGA units"), std::string::npos) << why;
  EXPECT_NE(why.find("best node 'small'"), std::string::npos) << why;
  EXPECT_NE(why.find("; nor, for its version 'scale_gpu', computing_units=1 GPU units (best node "
                     "'small' has 0 GPU units)"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("; nor, for its version 'scale_wide', computing_units=4"), std::string::npos)
      << why;
}
