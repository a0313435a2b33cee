// The scheduler over fake executors (runtime/sched/scheduler.hpp): computing_units and
// memory admission, free vs total, versions, replicated and distributed calls, impossible
// constraints, the fifo/lifo/locality/priority orders, no starvation either way, thousands
// of nodes, and executors that end tasks inside run() or on other threads; gangs (MPI and
// multinode tasks over several nodes, sched/gang.hpp).
#include "sched/gang.hpp"
#include "sched/scheduler.hpp"
#include "test_support.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

using namespace compss::sched;
using compss::detail::Constraint;

namespace {

Constraints constraints(std::vector<Constraint> pairs) {
  return parse_constraints("t", pairs.data(), pairs.size());
}

TaskType type(std::string name, std::vector<Constraint> pairs = {}) {
  TaskType t;
  t.name = name;
  t.versions.push_back({name, constraints(std::move(pairs))});
  return t;
}

/// A replicated (or else distributed) type without constraints.
TaskType spread(std::string name, bool replicated) {
  TaskType t = type(std::move(name));
  t.replicated = replicated;
  t.distributed = !replicated;
  return t;
}

Resources cpu_node(std::uint32_t cores, double memory_gb = 0) {
  Resources r;
  r.processors.push_back({.type = ProcessorType::cpu, .units = cores});
  r.memory_gb = memory_gb;
  return r;
}

Resources gpu_node(std::uint32_t cores, std::uint32_t gpus) {
  Resources r = cpu_node(cores);
  r.processors.push_back({.type = ProcessorType::gpu, .units = gpus});
  return r;
}

/// One interval of a task on a node, in logical time (the order of starts and ends).
struct Interval {
  std::uintptr_t task;
  NodeId node;
  std::uint32_t version;
  std::uint64_t start;
  std::uint64_t end = UINT64_MAX;  ///< still running
  Allocation allocation;
};

/// Records what the scheduler runs; the test decides when each task ends.
class FakeCluster {
 public:
  class Executor final : public NodeExecutor {
   public:
    explicit Executor(FakeCluster& c) : cluster_(c) {}
    void run(Placement p, Completion& done) override { cluster_.started(std::move(p), done); }

   private:
    FakeCluster& cluster_;
  };

  explicit FakeCluster(Scheduler::Options o = {}) {
    o.call_ended = [this](void* t) {
      std::lock_guard lock(m_);
      calls_ended.push_back(reinterpret_cast<std::uintptr_t>(t));
    };
    sched = std::make_unique<Scheduler>(std::move(o));
  }

  NodeId add(std::string name, Resources r, Lookahead ahead = {}) {
    executors_.push_back(std::make_unique<Executor>(*this));
    return sched->add_node(std::move(name), std::move(r), *executors_.back(), ahead);
  }

  /// Adds `count` nodes w0, w1... with resources `r`.
  void add_workers(int count, const Resources& r) {
    for (int i = 0; i < count; ++i) add("w" + std::to_string(i), r);
  }

  void submit(std::uintptr_t task, const TaskClass* t) { sched->submit(reinterpret_cast<void*>(task), t); }

  /// Ends the oldest running task (of `node` when given, `task` when not 0); false when
  /// none runs.
  bool end_oldest(NodeId node = IdSet::npos, std::uintptr_t task = 0) {
    Placement p;
    Completion* done = nullptr;
    {
      std::lock_guard lock(m_);
      auto it = std::find_if(running_.begin(), running_.end(), [&](const auto& r) {
        return (node == IdSet::npos || r.first.allocation.node() == node) &&
               (task == 0 || reinterpret_cast<std::uintptr_t>(r.first.task) == task);
      });
      if (it == running_.end()) return false;
      p = std::move(it->first);
      done = it->second;
      running_.erase(it);
      for (Interval& i : log) {
        if (i.task == reinterpret_cast<std::uintptr_t>(p.task) && i.node == p.allocation.node() &&
            i.end == UINT64_MAX) {
          i.end = clock_++;
        }
      }
    }
    done->ended(p);
    return true;
  }
  void end_all() {
    while (end_oldest()) {
    }
  }
  /// The oldest running task of `node` gives its resources back (Completion::give_back); it
  /// keeps running until end_oldest ends it.
  void give_back_oldest(NodeId node) {
    Placement p;
    Completion* done = nullptr;
    {
      std::lock_guard lock(m_);
      auto it = std::find_if(running_.begin(), running_.end(),
                             [&](const auto& r) { return r.first.allocation.node() == node; });
      ASSERT_NE(it, running_.end());
      p = it->first;
      done = it->second;
      it->first.given_back = true;
      given = p;
    }
    done->give_back(p);
  }
  /// The placement give_back_oldest gave back last.
  Placement given;

  std::size_t running_count() {
    std::lock_guard lock(m_);
    return running_.size();
  }
  /// The most intervals of `node` open at once.
  std::size_t peak_concurrency(NodeId node) const {
    std::vector<std::pair<std::uint64_t, int>> events;
    for (const Interval& i : log) {
      if (i.node != node) continue;
      events.push_back({i.start, +1});
      events.push_back({i.end, -1});
    }
    std::sort(events.begin(), events.end());
    int now = 0, peak = 0;
    for (auto [t, d] : events) peak = std::max(peak, now += d);
    return static_cast<std::size_t>(peak);
  }
  /// The node of each start, in start order.
  std::vector<NodeId> nodes_in_order() const {
    std::vector<NodeId> nodes;
    for (const Interval& i : log) nodes.push_back(i.node);
    return nodes;
  }
  const Interval* find(std::uintptr_t task) const {
    for (const Interval& i : log) {
      if (i.task == task) return &i;
    }
    return nullptr;
  }

  std::unique_ptr<Scheduler> sched;
  std::vector<Interval> log;
  std::vector<std::uintptr_t> calls_ended;

 private:
  void started(Placement p, Completion& done) {
    std::lock_guard lock(m_);
    log.push_back({reinterpret_cast<std::uintptr_t>(p.task), p.allocation.node(), p.version,
                   clock_++, UINT64_MAX, p.allocation});
    // A placement taken back replaces the one given back (as ClusterNode books it).
    auto back = std::find_if(running_.begin(), running_.end(),
                             [&](const auto& r) { return r.first.task == p.task && r.first.given_back; });
    if (back != running_.end()) {
      *back = {std::move(p), &done};
      return;
    }
    running_.emplace_back(std::move(p), &done);
  }

  std::mutex m_;
  std::uint64_t clock_ = 0;
  std::vector<std::pair<Placement, Completion*>> running_;
  std::vector<std::unique_ptr<Executor>> executors_;
};

}  // namespace

TEST(Scheduler, ComputingUnitsAreReservedAndBound) {
  FakeCluster c;
  NodeId n = c.add("w", cpu_node(4));
  auto* t = c.sched->register_type(type("two", {{"computing_units", "2"}}));
  for (std::uintptr_t i = 1; i <= 6; ++i) c.submit(i, t);
  EXPECT_EQ(c.running_count(), 2U);  // 4 cores / 2 each
  EXPECT_EQ(c.sched->waiting(), 4U);
  // The two running tasks hold disjoint cores.
  std::vector<std::uint32_t> cores = c.log[0].allocation.first.cpus;
  cores.insert(cores.end(), c.log[1].allocation.first.cpus.begin(), c.log[1].allocation.first.cpus.end());
  std::sort(cores.begin(), cores.end());
  EXPECT_EQ(cores, (std::vector<std::uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(c.sched->free(n).cpus(), 0U);
  c.end_all();
  EXPECT_EQ(c.peak_concurrency(n), 2U);
  EXPECT_EQ(c.calls_ended.size(), 6U);
  EXPECT_EQ(c.sched->free(n), cpu_node(4).capacity());
}

TEST(Scheduler, GuidanceMemoryTasksNeverOverlapOnAnEightGigabyteNode) {
  FakeCluster c;
  NodeId n = c.add("w", cpu_node(4, 8));
  auto* big = c.sched->register_type(type("stage", {{"memory_size", "6"}}));
  auto* small = c.sched->register_type(type("light", {{"memory_size", "1"}}));
  for (std::uintptr_t i = 1; i <= 8; ++i) c.submit(i, big);
  for (std::uintptr_t i = 100; i < 104; ++i) c.submit(i, small);
  c.end_all();
  ASSERT_EQ(c.log.size(), 12U);
  // Measured from start/end times: no two 6 GB tasks overlap, and the memory held at once
  // never exceeds 8 GB.
  std::vector<std::pair<std::uint64_t, int>> mem;
  for (const Interval& a : c.log) {
    int gb = a.task < 100 ? 6 : 1;
    mem.push_back({a.start, gb});
    mem.push_back({a.end, -gb});
    for (const Interval& b : c.log) {
      if (&a == &b || a.task >= 100 || b.task >= 100) continue;
      EXPECT_TRUE(a.end <= b.start || b.end <= a.start) << a.task << " overlaps " << b.task;
    }
  }
  std::sort(mem.begin(), mem.end());
  int now = 0, peak = 0;
  for (auto [t, d] : mem) peak = std::max(peak, now += d);
  EXPECT_LE(peak, 8);
  // Memory admission, not serialization: 1 GB tasks ran beside a 6 GB one.
  EXPECT_GE(c.peak_concurrency(n), 3U);
}

TEST(Scheduler, FreeVersusTotal) {
  FakeCluster c;
  c.add("w", cpu_node(4, 8));
  auto* t = c.sched->register_type(type("stage", {{"memory_size", "6"}}));
  c.submit(1, t);
  c.submit(2, t);  // fits the node's total, not what is free: waits, no error
  EXPECT_EQ(c.running_count(), 1U);
  EXPECT_EQ(c.sched->waiting(), 1U);
  c.end_oldest();
  EXPECT_EQ(c.running_count(), 1U);
  EXPECT_EQ(c.find(2)->start, 2U);
}

TEST(Scheduler, WaitingConstrainedTaskDoesNotBlockUnconstrainedOnes) {
  FakeCluster c;
  c.add("w", cpu_node(4, 8));
  auto* big = c.sched->register_type(type("stage", {{"memory_size", "6"}}));
  auto* plain = c.sched->register_type(type("plain"));
  c.submit(1, big);
  c.submit(2, big);  // waits for memory
  for (std::uintptr_t i = 10; i < 13; ++i) c.submit(i, plain);
  EXPECT_EQ(c.running_count(), 4U);  // 1 big + 3 plain on the 3 free cores
  EXPECT_EQ(c.find(2), nullptr);
  // No free core: the next plain task waits too. When task 1 ends, the older big task goes
  // first (fifo across types), then the plain one when a core frees.
  c.submit(13, plain);
  c.end_oldest();
  ASSERT_NE(c.find(2), nullptr);
  EXPECT_EQ(c.find(13), nullptr);
  c.end_oldest();
  EXPECT_NE(c.find(13), nullptr);
}

TEST(Scheduler, VersionsOnlyTheOneThatFitsRuns) {
  auto two_versions = [] {
    TaskType t;
    t.name = "train";
    t.versions.push_back({"train", constraints({{"computing_units", "1"}})});
    t.versions.push_back({"train_gpu", constraints({{"processor_type", "GPU"}})});
    return t;
  };
  {
    FakeCluster c;  // CPU nodes only: only the CPU version runs
    c.add("cpu-1", cpu_node(2));
    c.add("cpu-2", cpu_node(2));
    auto* t = c.sched->register_type(two_versions());
    for (std::uintptr_t i = 1; i <= 10; ++i) c.submit(i, t);
    c.end_all();
    for (const Interval& i : c.log) EXPECT_EQ(i.version, 0U);
    EXPECT_EQ(c.log.size(), 10U);
  }
  {
    FakeCluster c;  // a GPU-only node: only the GPU version runs
    Resources gpu;
    gpu.processors.push_back({.type = ProcessorType::gpu, .units = 2});
    c.add("gpu", gpu);
    auto* t = c.sched->register_type(two_versions());
    for (std::uintptr_t i = 1; i <= 10; ++i) c.submit(i, t);
    EXPECT_EQ(c.running_count(), 2U);
    c.end_all();
    for (const Interval& i : c.log) {
      EXPECT_EQ(i.version, 1U);
      EXPECT_EQ(i.allocation.first.gpus.size(), 1U);
    }
    EXPECT_EQ(c.log.size(), 10U);
  }
}

// Lineage's remakes (fitting_version): the version that ran, on live nodes whose totals
// fit it (busy or not, never the excluded one); else another version; else why none can.
TEST(Scheduler, FittingVersionForARemake) {
  FakeCluster c;
  NodeId master = c.add("master", cpu_node(4));
  NodeId cpu = c.add("cpu", cpu_node(2));
  NodeId gpu = c.add("gpu", gpu_node(2, 1));
  TaskType two;
  two.name = "train";
  two.versions.push_back({"train", constraints({{"computing_units", "2"}})});
  two.versions.push_back({"train_gpu", constraints({{"processor_type", "GPU"}})});
  auto* t = c.sched->register_type(two);
  auto* gpu_only = c.sched->register_type(type("render", {{"processor_type", "GPU"}}));
  c.submit(1, gpu_only);  // the GPU node is busy: a remake goes there all the same
  std::vector<NodeId> nodes;
  std::string why;
  EXPECT_EQ(c.sched->fitting_version(t, 1, master, nodes, why), 1U);
  EXPECT_EQ(nodes, (std::vector<NodeId>{gpu}));
  EXPECT_EQ(c.sched->fitting_version(t, 0, master, nodes, why), 0U);
  EXPECT_EQ(nodes, (std::vector<NodeId>{cpu, gpu}));
  c.end_all();
  c.sched->remove_node(gpu);
  EXPECT_EQ(c.sched->fitting_version(t, 1, master, nodes, why), 0U);  // the CPU version
  EXPECT_EQ(nodes, (std::vector<NodeId>{cpu}));
  EXPECT_EQ(c.sched->fitting_version(gpu_only, 0, master, nodes, why), TaskClass::no_version);
  EXPECT_TRUE(nodes.empty());
  EXPECT_NE(why.find("task 'render' can never run"), std::string::npos) << why;
  EXPECT_NE(why.find("GPU"), std::string::npos) << why;
}

// A remake runs beside what runs on its node: the nodes whose free resources fit it now
// come first, then the busy ones that could hold it.
TEST(Scheduler, FittingVersionForARemakeTriesNodesWithRoomNowFirst) {
  FakeCluster c;
  NodeId busy = c.add("busy", cpu_node(2));
  NodeId idle = c.add("idle", cpu_node(2));
  NodeId half = c.add("half", cpu_node(2));
  auto* wide = c.sched->register_type(type("wide", {{"computing_units", "2"}}));
  auto* one = c.sched->register_type(type("one", {{"computing_units", "1"}}));
  c.submit(1, wide);  // (first fit: on "busy", both its cores)
  c.submit(2, wide);  // on "idle": taken back below
  c.submit(3, one);   // on "half": one core of two left
  ASSERT_EQ(c.log.size(), 3U);
  ASSERT_TRUE(c.end_oldest(idle));
  std::vector<NodeId> nodes;
  std::string why;
  std::size_t free_now = 99;
  EXPECT_EQ(c.sched->fitting_version(wide, 0, IdSet::npos, nodes, why, &free_now), 0U);
  EXPECT_EQ(nodes, (std::vector<NodeId>{idle, busy, half}));
  EXPECT_EQ(free_now, 1U);
  EXPECT_EQ(c.sched->fitting_version(one, 0, IdSet::npos, nodes, why, &free_now), 0U);
  EXPECT_EQ(nodes, (std::vector<NodeId>{idle, half, busy}));
  EXPECT_EQ(free_now, 2U);
  c.end_all();
}

TEST(Scheduler, VersionsBothRunAtOnceUnderLoad) {
  FakeCluster c;
  NodeId cpu = c.add("cpu", cpu_node(2));
  Resources g = cpu_node(1);
  g.processors.push_back({.type = ProcessorType::gpu, .units = 1});
  NodeId gpu = c.add("gpu", g);
  TaskType t;
  t.name = "train";
  t.versions.push_back({"train", constraints({})});
  t.versions.push_back({"train_gpu", constraints({{"processor_type", "GPU"}})});
  auto* k = c.sched->register_type(t);
  for (std::uintptr_t i = 1; i <= 20; ++i) c.submit(i, k);
  // The free GPU is used first, and CPU versions fill every core beside it.
  EXPECT_EQ(c.running_count(), 4U);
  std::map<std::uint32_t, int> versions;
  for (const Interval& i : c.log) ++versions[i.version];
  EXPECT_EQ(versions[1], 1);
  EXPECT_EQ(versions[0], 3);
  c.end_all();
  for (const Interval& i : c.log) {
    if (i.version == 1) EXPECT_EQ(i.node, gpu);
  }
  EXPECT_GE(c.peak_concurrency(cpu), 2U);
  EXPECT_EQ(c.peak_concurrency(gpu), 2U);  // a GPU version beside a CPU version
  EXPECT_EQ(c.log.size(), 20U);
}

TEST(Scheduler, ReplicatedRunsOncePerNodeAndEndsWhenAllHave) {
  FakeCluster c;
  c.add_workers(3, cpu_node(1));
  auto* t = c.sched->register_type(spread("setup", true));
  c.submit(7, t);
  ASSERT_EQ(c.log.size(), 3U);
  std::vector<NodeId> nodes = c.nodes_in_order();
  std::sort(nodes.begin(), nodes.end());
  EXPECT_EQ(nodes, (std::vector<NodeId>{0, 1, 2}));
  c.end_oldest();
  c.end_oldest();
  EXPECT_TRUE(c.calls_ended.empty());
  c.end_oldest();
  EXPECT_EQ(c.calls_ended, (std::vector<std::uintptr_t>{7}));
  // A busy node runs its replica when it frees.
  auto* plain = c.sched->register_type(type("plain"));
  c.submit(1, plain);  // node 0 (cursor) is busy now
  c.submit(8, t);
  EXPECT_EQ(c.running_count(), 3U);
  c.end_all();
  EXPECT_EQ(c.log.size(), 7U);
  EXPECT_EQ(c.calls_ended.back(), 8U);
}

// A replica that gives its resources back before it ends (a replica waiting for a remake:
// Completion::give_back) frees its node's core at once, and its end later only counts as
// the replica's end: it frees nothing twice, and the call ends with its last replica.
TEST(Scheduler, AReplicaThatGaveItsCoresBackFreesThemOnceAndItsEndEndsTheCall) {
  FakeCluster c;
  c.add_workers(2, cpu_node(1));
  auto* t = c.sched->register_type(spread("setup", true));
  auto* plain = c.sched->register_type(type("plain"));
  c.submit(7, t);
  c.submit(1, plain);
  ASSERT_EQ(c.log.size(), 2U);  // the replicas; the plain task waits
  c.give_back_oldest(0);
  ASSERT_EQ(c.log.size(), 3U);  // the plain task runs on the core given back
  EXPECT_EQ(c.log.back().node, 0U);
  c.end_oldest(0);  // the replica that gave its core back
  EXPECT_EQ(c.sched->free(0).cpus(), 0U);  // (the plain task's core is not freed by it)
  EXPECT_TRUE(c.calls_ended.empty());
  c.end_oldest(1);
  EXPECT_EQ(c.calls_ended, (std::vector<std::uintptr_t>{7}));
  c.end_all();
  EXPECT_EQ(c.sched->free(0).cpus(), 1U);
}

// A placement given back is taken back (Completion::take_back) once its node frees, before
// a call that waits for that node: it is pinned first there, and placed as the same version.
TEST(Scheduler, APlacementTakenBackGoesBeforeWhatWaitsForItsNode) {
  FakeCluster c;
  c.add_workers(1, cpu_node(1));
  auto* t = c.sched->register_type(spread("setup", true));
  auto* plain = c.sched->register_type(type("plain"));
  c.submit(7, t);
  c.give_back_oldest(0);
  c.submit(1, plain);  // on the core given back
  ASSERT_EQ(c.log.size(), 2U);
  EXPECT_TRUE(c.sched->take_back(c.given));
  c.submit(2, plain);
  EXPECT_EQ(c.log.size(), 2U);  // the core is task 1's: neither is placed
  EXPECT_EQ(c.sched->free(0).cpus(), 0U);
  c.end_oldest(0, 1);
  ASSERT_EQ(c.log.size(), 3U);
  EXPECT_EQ(c.log.back().task, 7U);  // taken back first
  EXPECT_EQ(c.log.back().version, c.given.version);
  EXPECT_EQ(std::count(c.calls_ended.begin(), c.calls_ended.end(), 7U), 0);
  c.end_oldest(0, 7);  // its end frees the core taken back, and ends the call
  EXPECT_EQ(std::count(c.calls_ended.begin(), c.calls_ended.end(), 7U), 1);
  ASSERT_EQ(c.log.size(), 4U);  // task 2 now
  c.end_all();
  EXPECT_EQ(c.sched->free(0).cpus(), 1U);
}

// The run-last node (the master's) gets its replica only once every other replica of the
// call has ended (or its node left the run); the call ends after it.
TEST(Scheduler, ReplicaOnTheRunLastNodeComesAfterTheOthers) {
  FakeCluster c;
  NodeId master = c.add("master", cpu_node(1));
  c.sched->run_replicas_last(master);
  NodeId w1 = c.add("w1", cpu_node(1));
  NodeId w2 = c.add("w2", cpu_node(1));
  auto* t = c.sched->register_type(spread("setup", true));
  EXPECT_TRUE(c.sched->replica_runs_last(t));
  c.submit(7, t);
  ASSERT_EQ(c.log.size(), 2U);  // the workers' replicas only
  for (const Interval& i : c.log) EXPECT_NE(i.node, master);
  c.end_oldest(w1);
  EXPECT_EQ(c.log.size(), 2U);
  c.end_oldest(w2);
  ASSERT_EQ(c.log.size(), 3U);  // now the master's
  EXPECT_EQ(c.log.back().node, master);
  EXPECT_TRUE(c.calls_ended.empty());
  c.end_oldest(master);
  EXPECT_EQ(c.calls_ended, (std::vector<std::uintptr_t>{7}));
  // A worker lost before its replica started counts as ended: the master's comes then.
  auto* plain = c.sched->register_type(type("plain"));
  c.submit(1, plain);  // the master
  c.submit(2, plain);  // w1
  c.submit(8, t);      // w2 runs its replica, w1's waits
  ASSERT_EQ(c.log.size(), 6U);
  c.end_oldest(w2);
  EXPECT_EQ(c.log.size(), 6U);
  EXPECT_TRUE(c.sched->remove_node(w1).empty());
  EXPECT_EQ(c.log.size(), 6U);  // the master's replica waits for its core
  c.end_oldest(master);
  ASSERT_EQ(c.log.size(), 7U);
  EXPECT_EQ(c.log.back().node, master);
  EXPECT_EQ(c.log.back().task, 8U);
  c.end_all();
  EXPECT_EQ(c.calls_ended.back(), 8U);
  // Alone, the run-last node runs its replica at once.
  FakeCluster alone;
  NodeId only = alone.add("master", cpu_node(1));
  alone.sched->run_replicas_last(only);
  alone.submit(9, alone.sched->register_type(spread("setup", true)));
  ASSERT_EQ(alone.log.size(), 1U);
  alone.end_all();
  EXPECT_EQ(alone.calls_ended, (std::vector<std::uintptr_t>{9}));
}

TEST(Scheduler, DistributedGoesRoundRobin) {
  FakeCluster c;
  c.add_workers(3, cpu_node(8));
  auto* t = c.sched->register_type(spread("part", false));
  for (std::uintptr_t i = 0; i < 7; ++i) c.submit(i, t);
  EXPECT_EQ(c.nodes_in_order(), (std::vector<NodeId>{0, 1, 2, 0, 1, 2, 0}));
  // Round-robin over the nodes that can run it: a constrained distributed type skips others.
  FakeCluster m;
  m.add("small", cpu_node(8, 2));
  m.add("big-1", cpu_node(8, 16));
  m.add("big-2", cpu_node(8, 16));
  TaskType dm = type("part", {{"memory_size", "4"}});
  dm.distributed = true;
  auto* tm = m.sched->register_type(dm);
  for (std::uintptr_t i = 0; i < 4; ++i) m.submit(i, tm);
  EXPECT_EQ(m.nodes_in_order(), (std::vector<NodeId>{1, 2, 1, 2}));
}

TEST(Scheduler, ImpossibleConstraintsFailAtSubmission) {
  FakeCluster c;
  c.add("w1", cpu_node(4, 8));
  c.add("w2", cpu_node(8, 32));
  auto* t = c.sched->register_type(type("assemble", {{"memory_size", "64"}}));
  try {
    c.submit(1, t);
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("task 'assemble' can never run"), std::string::npos) << m;
    EXPECT_NE(m.find("memory_size=64 GB (best node 'w1' has 8 GB)"), std::string::npos) << m;
  }
  EXPECT_EQ(c.sched->waiting(), 0U);
  EXPECT_TRUE(c.log.empty());
  // A node joining that fits makes it possible.
  c.add("w3", cpu_node(8, 128));
  c.submit(2, t);
  EXPECT_EQ(c.running_count(), 1U);
}

// A type placed on one node alone (TaskType::only: calls that must run in the master's
// process): never on another node even when that one is free, waiting for room on its
// node beside the other types placed there, and its impossible constraints named against
// that node only (not the bigger node that could run it).
TEST(Scheduler, OnlyNodeTypeWaitsThereAndFailsAgainstThatNode) {
  FakeCluster c;
  NodeId master = c.add("master", cpu_node(4, 8));
  NodeId big = c.add("w1", cpu_node(8, 64));
  TaskType stage = type("stage", {{"memory_size", "6"}});
  stage.only = master;
  auto* pinned = c.sched->register_type(stage);
  auto* anywhere = c.sched->register_type(type("other", {{"memory_size", "6"}}));
  c.submit(1, pinned);
  c.submit(2, pinned);  // w1 is free, but it may not go there: waits for the master
  EXPECT_EQ(c.running_count(), 1U);
  EXPECT_EQ(c.sched->waiting(), 1U);
  EXPECT_EQ(c.find(1)->node, master);
  c.end_oldest();
  ASSERT_NE(c.find(2), nullptr);
  EXPECT_EQ(c.find(2)->node, master);
  c.end_all();
  EXPECT_EQ(c.peak_concurrency(master), 1U);  // 6 + 6 > 8 GB: never both at once
  EXPECT_EQ(c.peak_concurrency(big), 0U);
  // Counted with the other tasks the master's node runs: a 6 GB task of any type there
  // keeps the pinned one waiting.
  c.sched->submit(reinterpret_cast<void*>(std::uintptr_t{3}), anywhere, big);  // (avoid w1)
  ASSERT_NE(c.find(3), nullptr);
  EXPECT_EQ(c.find(3)->node, master);
  c.submit(4, pinned);
  EXPECT_EQ(c.find(4), nullptr);
  c.end_oldest();
  ASSERT_NE(c.find(4), nullptr);
  c.end_all();
  TaskType huge = type("assemble", {{"memory_size", "32"}});
  huge.only = master;
  auto* never = c.sched->register_type(huge);
  try {
    c.submit(5, never);
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("task 'assemble' can never run"), std::string::npos) << m;
    EXPECT_NE(m.find("memory_size=32 GB (best node 'master' has 8 GB)"), std::string::npos) << m;
  }
  EXPECT_EQ(c.sched->waiting(), 0U);
}

TEST(Scheduler, FifoAndLifoOrder) {
  for (Policy p : {Policy::fifo, Policy::lifo}) {
    FakeCluster c({.policy = p});
    c.add("w", cpu_node(1));
    auto* a = c.sched->register_type(type("a"));
    auto* b = c.sched->register_type(type("b"));
    c.submit(1, a);
    c.submit(2, a);
    c.submit(3, b);
    c.submit(4, a);
    c.end_all();
    std::vector<std::uintptr_t> order;
    for (const Interval& i : c.log) order.push_back(i.task);
    if (p == Policy::fifo) {
      EXPECT_EQ(order, (std::vector<std::uintptr_t>{1, 2, 3, 4}));
    } else {
      EXPECT_EQ(order, (std::vector<std::uintptr_t>{1, 4, 3, 2}));
    }
  }
}

TEST(Scheduler, PriorityTypesFirst) {
  FakeCluster c;
  c.add("w", cpu_node(1));
  auto* normal = c.sched->register_type(type("n"));
  TaskType u = type("u");
  u.priority = true;
  auto* urgent = c.sched->register_type(u);
  c.submit(1, normal);
  c.submit(2, normal);
  c.submit(3, urgent);
  c.end_all();
  EXPECT_EQ(c.log[1].task, 3U);
}

TEST(Scheduler, LocalityPrefersTheNodeHoldingTheInputs) {
  Scheduler::Options o;
  o.policy = Policy::locality;
  o.preferences = [](void* task, std::span<Preference> out) -> std::size_t {
    // Task k's inputs: 10 bytes on node 1, 1000 on node k % 3.
    auto k = reinterpret_cast<std::uintptr_t>(task);
    out[0] = {1, 10};
    out[1] = {static_cast<NodeId>(k % 3), 1000};
    return 2;
  };
  FakeCluster c(o);
  c.add_workers(3, cpu_node(4));
  auto* t = c.sched->register_type(type("t"));
  for (std::uintptr_t k = 3; k < 9; ++k) c.submit(k, t);
  for (const Interval& i : c.log) EXPECT_EQ(i.node, i.task % 3) << i.task;
}

TEST(Scheduler, LargeTaskIsNotStarvedBySmallOnes) {
  // One 4-core node kept busy by a stream of 1-core tasks; a 4-core task waits.
  auto run = [](std::uint64_t aging) {
    FakeCluster c({.policy = Policy::fifo, .aging_limit = aging});
    c.add("w", cpu_node(4));
    auto* small = c.sched->register_type(type("small"));
    auto* large = c.sched->register_type(type("large", {{"computing_units", "4"}}));
    for (std::uintptr_t i = 1; i <= 4; ++i) c.submit(i, small);
    c.submit(1000, large);
    std::uintptr_t next = 5;
    int ends = 0;
    // Each end frees one core; a new small task arrives after each end.
    while (c.find(1000) == nullptr && ends < 500) {
      c.end_oldest();
      ++ends;
      c.submit(next++, small);
    }
    return ends;
  };
  // Without aging the large task never starts while small ones keep coming.
  EXPECT_EQ(run(UINT64_MAX), 500);
  // With aging: after 8 placements overtake it, the node is reserved, drains (4 ends) and
  // the large task starts.
  int ends = run(8);
  EXPECT_LE(ends, 8 + 4 + 1);
  EXPECT_GE(ends, 4);
}

TEST(Scheduler, ReservedNodeTakesOnlyTheStarvingTask) {
  FakeCluster c({.policy = Policy::fifo, .aging_limit = 2});
  NodeId a = c.add("a", cpu_node(2));
  NodeId b = c.add("b", cpu_node(2));
  auto* small = c.sched->register_type(type("small"));
  auto* large = c.sched->register_type(type("large", {{"computing_units", "2"}}));
  for (std::uintptr_t i = 1; i <= 4; ++i) c.submit(i, small);
  c.submit(100, large);
  for (std::uintptr_t i = 5; i <= 8; ++i) c.submit(i, small);  // wait behind
  c.end_oldest(a);  // a small one from the queue takes the core
  c.end_oldest(b);
  c.end_oldest(a);  // overtaken twice: a node is reserved for the large task
  NodeId r = c.sched->reserved_node();
  ASSERT_NE(r, IdSet::npos);
  const std::size_t reserved_at = c.log.size();
  c.end_oldest(r == a ? b : a);  // the other node keeps taking small tasks
  EXPECT_EQ(c.log.size(), reserved_at + 1);
  while (c.find(100) == nullptr && c.end_oldest(r)) {
  }
  ASSERT_NE(c.find(100), nullptr);
  EXPECT_EQ(c.find(100)->node, r);
  // Between the reservation and the large task's start, nothing else started there.
  for (std::size_t i = reserved_at; i + 1 < c.log.size(); ++i) EXPECT_NE(c.log[i].node, r);
  EXPECT_EQ(c.sched->reserved_node(), IdSet::npos);
  c.end_all();
  EXPECT_EQ(c.calls_ended.size(), 9U);
}

TEST(Scheduler, ThousandsOfNodes) {
  FakeCluster c;
  const NodeId n = 3000;
  for (NodeId i = 0; i < n; ++i) c.add("w" + std::to_string(i), cpu_node(1, i == n - 1 ? 64 : 1));
  auto* t = c.sched->register_type(type("t"));
  for (std::uintptr_t k = 0; k < n; ++k) c.submit(k, t);
  EXPECT_EQ(c.running_count(), n);
  std::vector<bool> used(n, false);
  for (const Interval& i : c.log) {
    EXPECT_FALSE(used[i.node]);
    used[i.node] = true;
  }
  // A constrained task finds the one node above the 64-node masks of old.
  c.end_oldest(n - 1);
  auto* big = c.sched->register_type(type("big", {{"memory_size", "32"}}));
  c.submit(99999, big);
  ASSERT_NE(c.find(99999), nullptr);
  EXPECT_EQ(c.find(99999)->node, n - 1);
}

namespace {
/// Holds the first task; ends every later one inside run(). Ending the first then starts
/// a chain of placements that must not recurse.
class InlineExecutor final : public NodeExecutor {
 public:
  void run(Placement p, Completion& done) override {
    ++count;
    if (!held) {
      held = std::move(p);
      held_done = &done;
      return;
    }
    done.ended(p);
  }
  std::size_t count = 0;
  std::optional<Placement> held;
  Completion* held_done = nullptr;
};

/// Ends tasks on its own thread, as a real executor would.
class ThreadExecutor final : public NodeExecutor {
 public:
  ~ThreadExecutor() {
    for (auto& t : threads_) t.join();
  }
  void run(Placement p, Completion& done) override {
    std::lock_guard lock(m_);
    threads_.emplace_back([p = std::move(p), &done, this] {
      bodies.enter();
      bodies.leave();
      done.ended(p);
    });
  }
  compss_test::Gauge bodies;  ///< bodies between placement and end

 private:
  std::mutex m_;
  std::vector<std::thread> threads_;
};
}  // namespace

TEST(Scheduler, ExecutorsEndingInsideRunDoNotRecurse) {
  std::atomic<std::size_t> ended{0};
  Scheduler s({.call_ended = [&](void*) { ++ended; }});
  InlineExecutor e;
  s.add_node("w", cpu_node(1), e);
  auto* t = s.register_type(type("t"));
  for (std::uintptr_t k = 0; k < 200000; ++k) s.submit(reinterpret_cast<void*>(k), t);
  EXPECT_EQ(e.count, 1U);
  EXPECT_EQ(s.waiting(), 199999U);
  ASSERT_TRUE(e.held.has_value());
  e.held_done->ended(*e.held);  // 199999 placements, each ended inside run()
  EXPECT_EQ(e.count, 200000U);
  EXPECT_EQ(ended.load(), 200000U);
  EXPECT_EQ(s.waiting(), 0U);
}

TEST(Scheduler, ConcurrentSubmitAndEnd) {
  std::atomic<std::size_t> ended{0};
  Scheduler s({.call_ended = [&](void*) { ++ended; }});
  ThreadExecutor e;
  s.add_node("w", cpu_node(2, 8), e);
  auto* t = s.register_type(type("t", {{"memory_size", "3"}}));
  std::vector<std::thread> submitters;
  for (int th = 0; th < 4; ++th) {
    submitters.emplace_back([&, th] {
      for (std::uintptr_t k = 0; k < 50; ++k) s.submit(reinterpret_cast<void*>(th * 1000 + k), t);
    });
  }
  for (auto& th : submitters) th.join();
  for (int i = 0; i < 6000 && ended.load() < 200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(ended.load(), 200U);
  EXPECT_LE(e.bodies.max.load(), 2);  // 2 cores, and 8 GB / 3 GB = 2
  EXPECT_EQ(s.free(0), cpu_node(2, 8).capacity());
}

// A lost worker (remove_node): nothing more goes there; its pinned replica counts as done,
// its pinned distributed call moves on; waiting calls only it could run are handed back.
TEST(Scheduler, RemovedNodeTakesNothingAndHandsBackWhatOnlyItCouldRun) {
  FakeCluster c;
  NodeId a = c.add("a", cpu_node(1, 8));
  NodeId b = c.add("b", cpu_node(1, 16));
  auto* any = c.sched->register_type(type("any"));
  auto* big = c.sched->register_type(type("big", {{"memory_size", "12"}}));
  auto* rep = c.sched->register_type(spread("rep", true));
  c.submit(1, any);  // a
  c.submit(2, any);  // b
  c.submit(3, big);  // waits for b
  c.submit(4, rep);  // pinned to a and b, both busy
  ASSERT_EQ(c.running_count(), 2U);
  std::vector<void*> stranded = c.sched->remove_node(b);
  ASSERT_EQ(stranded.size(), 1U);  // only b could ever run "big"
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(stranded[0]), 3U);
  EXPECT_NE(c.sched->never_fits(big).find("task 'big' can never run"), std::string::npos)
      << c.sched->never_fits(big);
  c.end_all();  // task 2's end on b only releases; the replica runs on a alone
  c.submit(5, any);
  c.end_all();
  for (const Interval& i : c.log) {
    if (i.start > 1) EXPECT_EQ(i.node, a) << "task " << i.task << " placed on the removed node";
  }
  EXPECT_EQ(std::count(c.calls_ended.begin(), c.calls_ended.end(), 4U), 1);  // the replica call ended once
  EXPECT_THROW(c.submit(6, big), compss::Error);
}

// A retry (submit with `avoid`) goes to another node while one can ever run it, and to the
// same node when it is the only one.
TEST(Scheduler, RetryAvoidsTheNodeWhereItFailed) {
  FakeCluster c;
  NodeId a = c.add("a", cpu_node(1));
  NodeId b = c.add("b", cpu_node(1));
  auto* t = c.sched->register_type(type("t"));
  c.sched->submit(reinterpret_cast<void*>(1), t, a);
  ASSERT_EQ(c.log.size(), 1U);
  EXPECT_EQ(c.log[0].node, b);
  // Both busy: the retry waits, and a freed `a` does not take it while b can.
  c.submit(2, t);  // a
  c.sched->submit(reinterpret_cast<void*>(3), t, a);
  c.end_oldest(b);  // task 1 ends: b frees, task 3 runs there
  ASSERT_EQ(c.log.size(), 3U);
  EXPECT_EQ(c.log[2].task, 3U);
  EXPECT_EQ(c.log[2].node, b);
  c.end_all();
  FakeCluster one;
  NodeId only = one.add("only", cpu_node(1));
  auto* u = one.sched->register_type(type("u"));
  one.sched->submit(reinterpret_cast<void*>(1), u, only);
  ASSERT_EQ(one.log.size(), 1U);
  EXPECT_EQ(one.log[0].node, only);
  one.end_all();
}

// --- Gangs: MPI and multinode tasks over several nodes (sched/gang.hpp) ---

namespace {

/// The scheduler's type of an MPI or multinode task as compss-cc describes it (an MPI
/// task's computing_units is processes x computing_units).
TaskType gang_type(std::string name, compss::detail::TaskKind kind, std::vector<Constraint> launch,
                   std::vector<Constraint> pairs = {}) {
  static std::deque<std::vector<Constraint>> keep;  // (the spec points at them)
  static std::deque<std::string> names;
  const std::vector<Constraint>& l = keep.emplace_back(std::move(launch));
  const std::vector<Constraint>& c = keep.emplace_back(std::move(pairs));
  compss::detail::TaskSpec spec{names.emplace_back(name).c_str(), "void f()", nullptr, 0};
  spec.kind = kind;
  spec.launch = l.data();
  spec.launch_count = l.size();
  spec.constraints = c.data();
  spec.constraint_count = c.size();
  TaskType t;
  t.name = name;
  t.versions.push_back({name, task_constraints(spec)});
  return t;
}

TaskType mpi(std::string name, const char* processes, std::vector<Constraint> more = {}) {
  std::vector<Constraint> launch = {{"runner", "mpirun"}, {"binary", "sim"}, {"processes", processes}};
  launch.insert(launch.end(), more.begin(), more.end());
  return gang_type(std::move(name), compss::detail::TaskKind::mpi, launch, {{"computing_units", processes}});
}

TaskType multinode(std::string name, const char* nodes, const char* per_node) {
  return gang_type(std::move(name), compss::detail::TaskKind::multinode,
                   {{"computing_nodes", nodes}, {"processes_per_node", per_node}});
}

/// (node, units) of each share of an allocation, first node first.
std::vector<std::pair<NodeId, std::uint32_t>> shares(const Allocation& a) {
  std::vector<std::pair<NodeId, std::uint32_t>> out{{a.first.node, a.first.units}};
  for (const NodeShare& s : a.more) out.emplace_back(s.node, s.units);
  return out;
}

}  // namespace

// A lost output of an MPI task is made again on one node only: one that holds all its
// processes, else the reason none does.
TEST(SchedulerGang, RemakeOfAGangNeedsOneNodeHoldingAllOfIt) {
  FakeCluster c;
  c.add_workers(3, cpu_node(2));
  NodeId big = c.add("big", cpu_node(8));
  auto* t = c.sched->register_type(mpi("sim", "5"));
  std::vector<NodeId> nodes;
  std::string why;
  EXPECT_EQ(c.sched->fitting_version(t, 0, IdSet::npos, nodes, why), 0U);
  EXPECT_EQ(nodes, (std::vector<NodeId>{big}));
  c.sched->remove_node(big);
  EXPECT_EQ(c.sched->fitting_version(t, 0, IdSet::npos, nodes, why), TaskClass::no_version);
  EXPECT_NE(why.find("task 'sim'"), std::string::npos) << why;
  EXPECT_NE(why.find("computing_units=5"), std::string::npos) << why;  // (on one node)
}

TEST(SchedulerGang, MpiSpansNodesWhenNoNodeHoldsAllItsProcesses) {
  FakeCluster c;
  c.add_workers(3, cpu_node(2));
  auto* t = c.sched->register_type(mpi("sim", "5"));
  c.submit(1, t);
  ASSERT_EQ(c.log.size(), 1U);
  EXPECT_EQ(shares(c.log[0].allocation),
            (std::vector<std::pair<NodeId, std::uint32_t>>{{0, 2}, {1, 2}, {2, 1}}));
  EXPECT_EQ(c.sched->free(0).cpus() + c.sched->free(1).cpus() + c.sched->free(2).cpus(), 1U);
  EXPECT_EQ(c.sched->running(2), 1U);  // every node of the gang holds it
  c.end_all();
  for (NodeId n = 0; n < 3; ++n) EXPECT_EQ(c.sched->free(n).cpus(), 2U);
  EXPECT_EQ(c.calls_ended.size(), 1U);
}

TEST(SchedulerGang, MpiThatOneNodeCouldHoldWaitsForItInsteadOfSpanning) {
  FakeCluster c;
  NodeId big = c.add("big", cpu_node(4));
  c.add("small", cpu_node(2));
  auto* one = c.sched->register_type(type("one"));
  auto* sim = c.sched->register_type(mpi("sim", "3"));
  c.submit(1, one);  // on big: 3 free there, 2 on small
  c.submit(2, one);  // on small (first fit moves on): 3 + 1 free
  c.submit(3, one);  // big: 2 + 1 free
  c.submit(10, sim);
  EXPECT_EQ(c.sched->waiting(), 1U);  // 3 free cores in all, but not on one node
  c.end_oldest(big);
  ASSERT_NE(c.find(10), nullptr);
  EXPECT_EQ(shares(c.find(10)->allocation), (std::vector<std::pair<NodeId, std::uint32_t>>{{big, 3}}));
}

TEST(SchedulerGang, ProcessesPerNodeSetsTheNodesAndTheirSlots) {
  FakeCluster c;
  c.add_workers(3, cpu_node(4));
  auto* t = c.sched->register_type(mpi("sim", "5", {{"processes_per_node", "2"}}));
  c.submit(1, t);
  ASSERT_EQ(c.log.size(), 1U);
  EXPECT_EQ(shares(c.log[0].allocation),
            (std::vector<std::pair<NodeId, std::uint32_t>>{{0, 2}, {1, 2}, {2, 1}}));
  EXPECT_EQ(c.sched->free(0).cpus(), 2U);
}

TEST(SchedulerGang, MultinodeGetsExactlyItsNodesWithTheirCores) {
  FakeCluster c;
  c.add_workers(3, cpu_node(2));
  auto* busy = c.sched->register_type(type("busy"));
  auto* t = c.sched->register_type(multinode("solve", "2", "2"));
  c.submit(1, busy);  // w0 keeps 1 free core: it cannot take 2 processes
  c.submit(2, t);
  ASSERT_NE(c.find(2), nullptr);
  EXPECT_EQ(shares(c.find(2)->allocation), (std::vector<std::pair<NodeId, std::uint32_t>>{{1, 2}, {2, 2}}));
  EXPECT_EQ(c.find(2)->allocation.more[0].cpus.size(), 2U);  // cores bound on each node
}

TEST(SchedulerGang, CompetingGangsWaitHoldingNothingAndBothRun) {
  // Two nodes of 2 cores; each gang needs 3 cores over both. A waiting gang reserves
  // nothing (all or nothing), so the other cores stay free for others and no gang holds
  // part of what another waits for.
  FakeCluster c;
  c.add_workers(2, cpu_node(2));
  auto* a = c.sched->register_type(mpi("a", "3"));
  auto* b = c.sched->register_type(mpi("b", "3"));
  auto* one = c.sched->register_type(type("one"));
  c.submit(1, a);
  c.submit(2, b);
  ASSERT_EQ(c.log.size(), 1U);
  EXPECT_EQ(c.sched->free(0).cpus() + c.sched->free(1).cpus(), 1U);  // b reserved nothing
  c.submit(3, one);  // the last free core goes to an ordinary task, b still waits
  EXPECT_EQ(c.log.size(), 2U);
  c.end_oldest();  // a ends: 3 free, b fits across both nodes
  ASSERT_NE(c.find(2), nullptr);
  EXPECT_EQ(c.find(2)->allocation.node_count(), 2U);
  c.end_all();
  EXPECT_EQ(c.calls_ended.size(), 3U);
  EXPECT_EQ(c.sched->waiting(), 0U);
}

TEST(SchedulerGang, AGangTheNodesCanNeverHoldFailsAtItsCall) {
  FakeCluster c;
  c.add_workers(2, cpu_node(1));
  auto* t = c.sched->register_type(multinode("solve", "3", "1"));
  const std::string why = c.sched->never_fits(t);
  EXPECT_NE(why.find("task 'solve' can never run: it asks for 3 nodes with 1 core each "
                     "(computing_nodes=3, processes_per_node=1) at once"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("hold only 2 of its 3 processes"), std::string::npos) << why;
  EXPECT_THROW(c.submit(1, t), compss::Error);
  auto* sim = c.sched->register_type(mpi("sim", "3"));
  EXPECT_THROW(c.submit(2, sim), compss::Error);
  EXPECT_TRUE(c.sched->never_fits(c.sched->register_type(mpi("fits", "2"))).empty());
}

TEST(SchedulerGang, OneBigNodeIsNotSeveralNodes) {
  // A node with cores for the whole gang still counts once when the task says how many
  // processes go on a node: 2 nodes are 2 nodes.
  FakeCluster c;
  c.add("big", cpu_node(8));
  auto* two = c.sched->register_type(multinode("solve", "2", "1"));
  EXPECT_THROW(c.submit(1, two), compss::Error);
  auto* per_node = c.sched->register_type(mpi("sim", "4", {{"processes_per_node", "2"}}));
  EXPECT_THROW(c.submit(2, per_node), compss::Error);
  auto* flexible = c.sched->register_type(mpi("flex", "4"));
  c.submit(3, flexible);  // no processes_per_node: one node holds it all
  ASSERT_EQ(c.log.size(), 1U);
  EXPECT_EQ(shares(c.log[0].allocation), (std::vector<std::pair<NodeId, std::uint32_t>>{{0, 4}}));
}

TEST(SchedulerGang, LosingANodeStrandsTheGangsThatCanNoLongerBeHeld) {
  FakeCluster c;
  NodeId w0 = c.add("w0", cpu_node(1));
  c.add("w1", cpu_node(1));
  auto* one = c.sched->register_type(type("one"));
  auto* t = c.sched->register_type(multinode("solve", "2", "1"));
  c.submit(1, one);
  c.submit(2, t);  // waits for w0
  EXPECT_EQ(c.sched->waiting(), 1U);
  std::vector<void*> stranded = c.sched->remove_node(w0);
  ASSERT_EQ(stranded.size(), 1U);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(stranded[0]), 2U);
}

namespace {

/// A default (one core, nothing else) type that may be sent ahead.
TaskType ahead_type(std::string name, std::vector<Constraint> pairs = {}) {
  TaskType t = type(std::move(name), std::move(pairs));
  t.lookahead = true;
  return t;
}

/// A worker as the master sees it: `threads` task threads take the requests in the order
/// they were sent, so the ones running are the oldest `threads` not yet answered; the rest
/// wait in its connection. Checks, after every change, that what really runs fits the
/// node's cores and memory.
class WorkerModel final : public NodeExecutor {
 public:
  WorkerModel(std::uint32_t threads, std::uint32_t cores, std::uint64_t memory_mb)
      : threads_(threads), cores_(cores), memory_mb_(memory_mb) {}

  void run(Placement p, Completion& done) override {
    if (p.ahead) ++sent_ahead;
    sent_.push_back({std::move(p), &done});
    check();
  }
  /// Ends one of the requests really running (the `pick`-th modulo their number).
  bool end_running(std::size_t pick) {
    const std::size_t running = std::min<std::size_t>(threads_, sent_.size());
    if (running == 0) return false;
    auto it = sent_.begin() + static_cast<std::ptrdiff_t>(pick % running);
    auto [p, done] = std::move(*it);
    sent_.erase(it);
    ++ended;
    done->ended(p);  // (may send more: run() above)
    check();
    return true;
  }
  /// The node is lost: every request it holds ends (as lost answers do).
  void lose_all() {
    while (!sent_.empty()) {
      auto [p, done] = std::move(sent_.front());
      sent_.erase(sent_.begin());
      ++ended;
      done->ended(p);
    }
  }
  std::size_t outstanding() const { return sent_.size(); }

  std::size_t sent_ahead = 0;
  std::size_t ended = 0;
  std::uint32_t peak_cores = 0;
  std::uint64_t peak_memory = 0;

 private:
  void check() {
    std::uint32_t cores = 0;
    std::uint64_t memory = 0;
    const std::size_t running = std::min<std::size_t>(threads_, sent_.size());
    for (std::size_t i = 0; i < running; ++i) {
      const Placement& p = sent_[i].first;
      const Capacity& d = p.type->type.versions[p.version].constraints.demand;
      cores += d.cpus();
      memory += d.memory_mb;
    }
    peak_cores = std::max(peak_cores, cores);
    peak_memory = std::max(peak_memory, memory);
    EXPECT_LE(cores, cores_) << "the worker runs more cores' worth than it has";
    EXPECT_LE(memory, memory_mb_) << "the worker runs more memory's worth than it has";
  }

  std::uint32_t threads_, cores_;
  std::uint64_t memory_mb_;
  std::vector<std::pair<Placement, Completion*>> sent_;
};

}  // namespace

// Calls go ahead only once every thread of the node runs a placement, at most `depth` of
// them; the end of a running task gives its core to the oldest call waiting there first,
// and the room it leaves takes the next waiting call.
TEST(Scheduler, LookaheadSendsAheadOfBusyThreadsAndPromotesAtAnEnd) {
  FakeCluster c;
  NodeId w = c.add("w", cpu_node(2), {.depth = 2, .after_running = 2});
  auto* t = c.sched->register_type(ahead_type("t"));
  for (std::uintptr_t k = 1; k <= 6; ++k) c.submit(k, t);
  ASSERT_EQ(c.log.size(), 4U);  // 2 running, 2 sent ahead
  EXPECT_FALSE(c.log[1].allocation.first.cpus.empty());
  EXPECT_EQ(c.sched->running(w), 2U);
  EXPECT_EQ(c.sched->ahead(w), 2U);
  EXPECT_EQ(c.sched->waiting(), 2U);
  EXPECT_EQ(c.sched->free(w).cpus(), 0U);
  c.end_oldest(w);  // task 1: its core goes to task 3 (ahead), and task 5 goes ahead
  EXPECT_EQ(c.sched->running(w), 2U);
  EXPECT_EQ(c.sched->ahead(w), 2U);
  EXPECT_EQ(c.sched->waiting(), 1U);
  ASSERT_EQ(c.log.size(), 5U);
  EXPECT_EQ(c.log[4].task, 5U);
  c.end_all();
  EXPECT_EQ(c.log.size(), 6U);
  EXPECT_EQ(c.sched->ahead(w), 0U);
  EXPECT_EQ(c.sched->running(w), 0U);
  EXPECT_EQ(c.sched->free(w), cpu_node(2).capacity());
}

// Only calls of one core and nothing else go ahead, of types that allow it, and only to a
// node whose threads are all taken (two 2-core tasks leave two of four threads idle: a
// call sent then would start at once, beyond the cores counted).
TEST(Scheduler, LookaheadOnlyForOneCoreCallsOnANodeWithAllThreadsTaken) {
  FakeCluster c;
  NodeId w = c.add("w", cpu_node(4, 8), {.depth = 4, .after_running = 4});
  auto* memory = c.sched->register_type(ahead_type("memory", {{"memory_size", "2"}}));
  auto* cores = c.sched->register_type(ahead_type("cores", {{"computing_units", "2"}}));
  auto* timed = c.sched->register_type(type("timed"));  // lookahead off (a time-out)
  auto* one = c.sched->register_type(ahead_type("one"));
  for (std::uintptr_t k = 1; k <= 6; ++k) c.submit(k, memory);
  EXPECT_EQ(c.sched->ahead(w), 0U);  // 4 run (4 cores), 2 wait
  c.end_all();
  for (std::uintptr_t k = 11; k <= 13; ++k) c.submit(k, cores);
  for (std::uintptr_t k = 21; k <= 22; ++k) c.submit(k, one);
  EXPECT_EQ(c.sched->running(w), 2U);
  EXPECT_EQ(c.sched->ahead(w), 0U);  // 2 threads idle: nothing goes ahead
  c.end_all();
  for (std::uintptr_t k = 31; k <= 36; ++k) c.submit(k, timed);
  EXPECT_EQ(c.sched->ahead(w), 0U);
  EXPECT_EQ(c.sched->waiting(), 2U);
  c.end_all();
}

// The accounting over a long random run: a worker of 4 threads, 4 cores and 8 GB takes
// one-core calls (sent ahead), two-core and 3 GB calls; it ends the requests it really
// runs in a random order. What really runs never exceeds its cores or memory, and every
// call runs once. (Without the promotion at an end, a freed core is given both to the
// call waiting on the worker and to a new placement: 5 cores.)
TEST(Scheduler, LookaheadNeverOvercommitsTheWorker) {
  std::size_t calls_ended = 0;
  Scheduler s({.call_ended = [&](void*) { ++calls_ended; }});
  WorkerModel worker(4, 4, 8192);
  NodeId w = s.add_node("w", cpu_node(4, 8), worker, {.depth = 4, .after_running = 4});
  auto* one = s.register_type(ahead_type("one"));
  auto* two = s.register_type(ahead_type("two", {{"computing_units", "2"}}));
  auto* big = s.register_type(ahead_type("big", {{"memory_size", "3"}}));
  std::mt19937 rng(12);
  std::uintptr_t next = 1;
  std::size_t max_ahead = 0;
  for (int step = 0; step < 4000; ++step) {
    if (rng() % 2 == 0 && next <= 1500) {
      const unsigned kind = rng() % 6;
      s.submit(reinterpret_cast<void*>(next++), kind == 0 ? two : kind == 1 ? big : one);
    } else {
      worker.end_running(rng());
    }
    max_ahead = std::max(max_ahead, s.ahead(w));
    ASSERT_FALSE(::testing::Test::HasFailure()) << "at step " << step;
  }
  while (worker.end_running(rng())) {
  }
  EXPECT_EQ(calls_ended, next - 1);
  EXPECT_EQ(worker.ended, next - 1);
  EXPECT_EQ(s.waiting(), 0U);
  EXPECT_GT(worker.sent_ahead, 100U);
  EXPECT_EQ(max_ahead, 4U);
  EXPECT_EQ(worker.peak_cores, 4U);
  EXPECT_EQ(s.free(w), cpu_node(4, 8).capacity());
}

// A lost worker's calls sent ahead come back through its executor: they end without a
// core to give back, and the calls placed again run on the node left.
// A type registered after a node left never counts it as a candidate: a call only that
// node could run fails at once (it waited for the lost node forever before).
TEST(Scheduler, TypeRegisteredAfterANodeLeftDoesNotWaitForIt) {
  FakeCluster c;
  c.add("small", cpu_node(1, 8));
  NodeId big = c.add("big", cpu_node(1, 16));
  EXPECT_TRUE(c.sched->remove_node(big).empty());
  auto* t = c.sched->register_type(type("big_only", {{"memory_size", "12"}}));
  EXPECT_THROW(c.submit(1, t), compss::Error);
  EXPECT_NE(c.sched->never_fits(t).find("task 'big_only' can never run"), std::string::npos);
  EXPECT_EQ(c.sched->waiting(), 0U);
}

TEST(Scheduler, LookaheadCallsOfALostNodeEndAndGoElsewhere) {
  Scheduler s({});
  WorkerModel lost(1, 1, 0), left(1, 1, 0);
  NodeId a = s.add_node("a", cpu_node(1), lost, {.depth = 2, .after_running = 1});
  NodeId b = s.add_node("b", cpu_node(1), left, {.depth = 2, .after_running = 1});
  auto* t = s.register_type(ahead_type("t"));
  for (std::uintptr_t k = 1; k <= 6; ++k) s.submit(reinterpret_cast<void*>(k), t);
  ASSERT_EQ(lost.outstanding(), 3U);  // 1 running, 2 ahead
  ASSERT_EQ(left.outstanding(), 3U);
  EXPECT_TRUE(s.remove_node(a).empty());
  lost.lose_all();
  EXPECT_EQ(s.ahead(a), 0U);
  EXPECT_EQ(s.running(a), 0U);
  EXPECT_EQ(left.outstanding(), 3U);  // nothing new went to a, nor beyond b's room
  for (std::uintptr_t k = 1; k <= 3; ++k) s.submit(reinterpret_cast<void*>(100 + k), t);  // again
  while (left.end_running(0)) {
  }
  EXPECT_EQ(left.ended, 6U);
  EXPECT_EQ(s.waiting(), 0U);
  EXPECT_EQ(s.free(b), cpu_node(1).capacity());
}

// A gang's share on a node that is not its first holds cores but no task thread there: the
// node's running count then overstates its busy threads, so it takes no call ahead (one
// sent there would start at once on the idle thread, with no core counted for it).
TEST(SchedulerGang, ANodeHoldingAnotherNodesGangShareTakesNothingAhead) {
  FakeCluster c;
  NodeId w0 = c.add("w0", cpu_node(2), {.depth = 2, .after_running = 2});
  NodeId w1 = c.add("w1", cpu_node(2), {.depth = 2, .after_running = 2});
  auto* sim = c.sched->register_type(mpi("sim", "3"));  // no node holds 3: 2 on w0, 1 on w1
  auto* t = c.sched->register_type(ahead_type("t"));
  c.submit(1, sim);
  ASSERT_EQ(c.log.size(), 1U);
  ASSERT_EQ(shares(c.log[0].allocation), (std::vector<std::pair<NodeId, std::uint32_t>>{{w0, 2}, {w1, 1}}));
  c.submit(2, t);  // w1's free core
  EXPECT_EQ(c.sched->running(w1), 2U);  // the share and the task: one thread busy
  c.submit(3, t);
  EXPECT_EQ(c.sched->ahead(w1), 0U);
  EXPECT_EQ(c.sched->ahead(w0), 0U);  // (one of its 2 threads runs the gang: not all busy)
  EXPECT_EQ(c.sched->waiting(), 1U);
  c.end_all();
  EXPECT_EQ(c.sched->waiting(), 0U);
  EXPECT_EQ(c.sched->free(w1), cpu_node(2).capacity());
}
