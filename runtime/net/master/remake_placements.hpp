// RemakePlacements: lost data made again (lineage, net/master/lineage.cpp) is placed
// through the scheduler like any task: the thread that must make a version again submits a
// handle of its own (the address of the producer's request it rebuilt) and waits here
// until a node's free resources fit it and the scheduler reserved them; the node's
// executor (ClusterNode::run) hands such a placement here instead of to the cluster's
// dispatch. The reservation is given back when the remake's call has ended
// (Cluster::remake_ended). docs/distributed.md, "Workers that die".
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace compss::net {

/// Thread-safe: one mutex, a leaf (nothing is called while it is held). `is_remake` costs
/// one relaxed load while no remake is open (every ordinary placement asks it).
///
///   remakes.open(&request);
///   scheduler.submit(&request, remake_class);   // ClusterNode::run -> remakes.placed(...)
///   RemakePlacements::Placed at = remakes.wait(&request);
///   ...run it on at.node, then release the placement...
///   remakes.close(&request);
class RemakePlacements {
 public:
  /// Where the scheduler placed a remake, with the version that fits there and what its
  /// placement reserved.
  struct Placed {
    int node = -1;  ///< the cluster's node number (0: the master)
    std::uint32_t version = 0;
    unsigned computing_units = 0;
    unsigned gpus = 0;
  };

  /// A remake with this handle is about to be submitted.
  void open(const void* handle);
  /// True while `handle` is an open remake's (between open and close).
  bool is_remake(const void* handle) const;
  /// The scheduler placed `handle`: true when it is a remake's (its waiter wakes up).
  bool placed(const void* handle, const Placed& where);
  /// The scheduler handed `handle` back (no live node can run it any more): its waiter
  /// wakes up with nothing. True when it is a remake's.
  bool stranded(const void* handle);
  /// A node left the run (its loss, or its retirement; after the scheduler removed it):
  /// waiters given an `on_loss` wake up to look again.
  void node_lost();
  /// How many nodes were lost so far: where a wait starts counting (read before the
  /// checks a loss could change, so that a loss right after them still wakes the wait).
  std::uint64_t losses() const;
  /// Waits until `handle` is placed (its place) or stranded (nullopt). With `on_loss`,
  /// each time nodes were lost since `seen` it calls `on_loss` (this mutex not held) and
  /// waits again: a remake queued for a node that left may now fit only resources its
  /// waiting thread holds (Cluster::lender_waits_if_only_master).
  std::optional<Placed> wait(const void* handle, std::uint64_t seen = 0,
                             const std::function<void()>& on_loss = {});
  /// Where `handle` was placed, when it was.
  std::optional<Placed> where(const void* handle) const;
  /// The remake is over (its placement, if any, given back first).
  void close(const void* handle);

 private:
  struct Waiting {
    std::optional<Placed> placed;
    bool stranded = false;
  };
  /// Applies `change` to the open remake `handle` and wakes its waiter; false when
  /// `handle` is no open remake's.
  template <class F>
  bool update(const void* handle, F&& change);
  std::atomic<std::size_t> open_{0};
  mutable std::mutex mutex_;
  std::uint64_t losses_ = 0;  // guarded by mutex_
  std::condition_variable changed_;
  std::unordered_map<const void*, Waiting> waiting_;
};

}  // namespace compss::net
