// The node model of the scheduler: a Node (what it has, what is free, which cores and GPUs
// are bound to running tasks), sets of nodes without a size cap, the Allocation a placed
// task holds, and the NodeExecutor interface that runs a placed task on its node (the
// master's oneTBB cores, a worker over the network, a fake in tests).
#pragma once

#include "sched/id_set.hpp"
#include "sched/resources.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace compss::sched {

using NodeId = std::uint32_t;
/// Nodes of a run by id: a growable bitset (thousands of nodes; no 64-node mask).
using NodeSet = IdSet;

/// What a task holds on one node while it runs: the amounts, and which cores and GPUs
/// (indices 0..units-1 of the node) are bound to it, for OMP_NUM_THREADS / CPU binding /
/// CUDA_VISIBLE_DEVICES.
struct NodeShare {
  NodeId node = 0;
  Capacity reserved;
  std::vector<std::uint32_t> cpus;
  std::vector<std::uint32_t> gpus;
  /// A gang's share (MPI, multinode: sched/gang.hpp): how many of its processes run on
  /// this node (the host file's slots); 0 for an ordinary task.
  std::uint32_t units = 0;
};

/// The nodes a placed task holds: one for an ordinary task, several for a multinode or MPI
/// task (the body runs on the first).
///
///   NodeId where = placement.allocation.first.node;
///   unsigned cu = placement.allocation.first.reserved.cpus();
struct Allocation {
  NodeShare first;
  std::vector<NodeShare> more;  ///< further nodes; empty for one-node tasks

  NodeId node() const noexcept { return first.node; }
  std::size_t node_count() const noexcept { return 1 + more.size(); }
};

/// One node of the run. Not thread-safe: the scheduler's lock guards it.
///
///   Node n(3, "worker-3", resources);
///   NodeShare s;
///   if (n.try_reserve(demand, s)) { ...; n.release(s); }
class Node {
 public:
  Node(NodeId id, std::string name, Resources total);

  NodeId id() const noexcept { return id_; }
  const std::string& name() const noexcept { return name_; }
  const Resources& total() const noexcept { return total_; }
  const Capacity& free() const noexcept { return free_; }
  unsigned running() const noexcept { return running_; }

  /// Reserves `demand` when the free capacity covers it, binding the lowest free core and
  /// GPU indices; false (and nothing changed) otherwise.
  bool try_reserve(const Capacity& demand, NodeShare& share);
  /// Gives back what `share` holds (it must come from try_reserve on this node).
  void release(const NodeShare& share);

 private:
  static void take(IdSet& free, std::uint32_t count, std::vector<std::uint32_t>& out);

  NodeId id_;
  std::string name_;
  Resources total_;
  Capacity free_;
  IdSet free_cpus_;
  IdSet free_gpus_;
  unsigned running_ = 0;
};

struct TaskClass;

/// A task placed on a node: what the executor needs to run it. `task` is the caller's
/// handle (the scheduler never dereferences it); `version` indexes the task type's versions.
struct Placement {
  void* task = nullptr;
  const TaskClass* type = nullptr;
  std::uint32_t version = 0;
  Allocation allocation;
  /// Sent ahead to a busy node (Scheduler, "Look-ahead"): the task waits there until one of
  /// the node's running tasks ends. `allocation` shows its demand but binds no core; the
  /// scheduler reserves that core itself when the task starts there.
  bool ahead = false;
  /// Its resources were given back before its end (Completion::give_back): its end only
  /// counts the call's end (a replicated call's replica).
  bool given_back = false;
};

/// Where an executor reports that a placed task ended (the scheduler).
class Completion {
 public:
  /// Called exactly once per placement, from any thread, when the task's body has ended
  /// (successfully or not: the outcome goes to the runtime, not here).
  virtual void ended(const Placement& placement) = 0;
  /// The task gives back what `placement` reserves before it ends (it waits for work that
  /// may need them, then runs without them); its end is still told, with `given_back` set.
  /// Not for a placement sent ahead.
  virtual void give_back(const Placement& placement) = 0;
  /// The task takes back what it gave (give_back) before it runs: its node reserves the
  /// same version's demand again, now or before anything else placed there, and the
  /// executor's run() gets that placement. False (nothing done) when the node left the run.
  virtual bool take_back(const Placement& placement) = 0;

 protected:
  ~Completion() = default;
};

/// Runs placed tasks on one node. `run` is called without any scheduler lock held and must
/// not block for the task's duration (hand it to threads, a socket...); it may also run
/// the task at once and call `done.ended` before returning. It must not throw: a task it
/// cannot run is still ended through `done` (its failure goes to the runtime).
class NodeExecutor {
 public:
  virtual ~NodeExecutor() = default;
  virtual void run(Placement placement, Completion& done) = 0;
};

}  // namespace compss::sched
