// ClusterNode: one node of a master-worker run as the scheduler's NodeExecutor. The
// scheduler reserves the node's resources for a task and calls run(); the node books the
// placement (kept until the task's attempt is over, whichever thread sees that end: a
// worker's answer, the master's executor, the watchdog), records the node on the task
// and hands it to the cluster's dispatch. The master's own cores are a plain ClusterNode
// (node 0, when it has cores: not with compss-run --master-cores 0); a worker is a
// RemoteExecutor (remote_executor.hpp), which also sends requests over its link. A
// placement of lost data made again (its handle a RemakePlacements') is booked the same
// way and handed to the remake's waiting thread instead of the dispatch.
#pragma once

#include "net/master/remake_placements.hpp"
#include "sched/node.hpp"

#include <compss/detail/task_node.hpp>

#include <cstddef>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace compss::net {

/// Thread-safe: run, release and holding may come from any thread at once (one mutex, a
/// leaf: release, give_back and take_back call the scheduler after dropping it; dispatch
/// runs without it).
///
///   ClusterNode master(0, [&](TaskBase* t, int node, unsigned cu, unsigned gpus) { executor.spawn(t); });
///   scheduler.add_node("master", master_resources(cores), master);
///   ...
///   master.release(t);   // the task ended: its reservation goes back to the scheduler
class ClusterNode : public sched::NodeExecutor {
 public:
  /// What the cluster does with a task placed on node `node` with `computing_units` cores
  /// and `gpus` GPUs reserved (passed, so that the common task needs no allocation_of
  /// lookup: docs/performance.md, "Master's node"). Must not throw.
  using Dispatch =
      std::function<void(detail::TaskBase* task, int node, unsigned computing_units, unsigned gpus)>;

  /// `remakes`: where placements of remakes go (null: every handle is a task's).
  ClusterNode(int node, Dispatch dispatch, RemakePlacements* remakes = nullptr)
      : node_(node), dispatch_(std::move(dispatch)), remakes_(remakes) {}

  /// The cluster's number of this node (0 = master, workers from 1).
  int node() const noexcept { return node_; }

  /// Books the placement, sets task->node (one node per task: a replica of a replicated
  /// task sets it too, last one wins) and dispatches; a remake's placement goes to its
  /// waiting thread (RemakePlacements::placed).
  void run(sched::Placement placement, sched::Completion& done) override;

  /// Gives back what `task` holds here (Completion::ended); false when it holds nothing.
  bool release(const void* task);

  /// `task`, placed here, gives back what it holds before it ends (Completion::give_back:
  /// a replica while its request waits for a remake): it holds nothing from now on, but
  /// its release() still ends its placement. False when it holds nothing here (given back
  /// already, or sent ahead).
  bool give_back(const void* task);

  /// `task`, which gave its placement back (give_back), takes this node's resources
  /// again through the scheduler (Completion::take_back: before anything else placed
  /// here) and waits until they are reserved, or until `alive` says the node is lost
  /// (asked every 100 ms; false then). True at once when it gave nothing back. The run()
  /// of that placement books it and dispatches nothing.
  bool take_back(const void* task, const std::function<bool()>& alive);

  /// What `task` holds while placed here (its nodes, for a gang); an empty allocation when
  /// it holds nothing here (or gave it back).
  sched::Allocation allocation_of(const void* task) const;

  /// The implementation `task` was placed here with (Placement::version: 0 the task, i its
  /// versions[i - 1]); 0 when it holds nothing here. A replica's own version.
  std::uint32_t version_of(const void* task) const;

  /// Whether `task` holds a placement here now (placed, not yet released).
  bool holds(const void* task) const;

  /// Tasks placed here and not yet released.
  std::size_t holding() const;

  /// The gangs placed here (this node their first) that also hold a share of `other`:
  /// the tasks whose program loses part of its nodes when `other` is lost.
  std::vector<const void*> gangs_holding(sched::NodeId other) const;

 private:
  const int node_;
  Dispatch dispatch_;
  RemakePlacements* const remakes_;
  mutable std::mutex mutex_;
  std::condition_variable taken_back_;  // a placement taken back was booked (run)
  std::unordered_map<const void*, std::pair<sched::Placement, sched::Completion*>> held_;
  /// Tasks whose placement given back is being taken back (take_back), until run() books it.
  std::unordered_set<const void*> taking_back_;
};

}  // namespace compss::net
