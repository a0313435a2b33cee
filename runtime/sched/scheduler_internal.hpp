// The scheduler's private pieces shared by scheduler.cpp and scheduler_lookahead.cpp: its
// record of one node (the node, its executor, the calls pinned to it and those sent ahead
// to it) and the first-fit scan over node sets.
#pragma once

#include "sched/scheduler.hpp"

#include <deque>
#include <unordered_map>

namespace compss::sched {

/// Guarded by the scheduler's lock.
struct Scheduler::NodeSlot {
  /// A call sent ahead to this node, waiting there for a core.
  struct Ahead {
    void* task;
    const TaskClass* cls;
    std::uint32_t version;
  };

  Node node;
  NodeExecutor* executor;
  Lookahead lookahead;
  std::deque<Pinned> pinned;
  std::deque<Ahead> ahead;  ///< oldest first: the node starts them in that order
  /// Calls sent ahead that got their core since (their placement shows none).
  std::unordered_map<const void*, NodeShare> promoted;
  /// Shares held here by gangs whose first node is another: their processes hold cores but
  /// no task thread, so the node's running count no longer tells its busy threads. Such a
  /// node takes nothing ahead, and a node with calls ahead gives no such share.
  std::uint32_t gang_shares = 0;
};

/// Calls `f(id)` for the ids of `set` (and of `filter` when given) from `start` to the end,
/// then from 0 up to `start`, until f returns true. Returns whether one did.
template <class F>
bool scan_from(const NodeSet& set, const NodeSet* filter, std::uint32_t start, F f) {
  for (std::uint32_t id = set.next_in_both(start, filter); id != IdSet::npos;
       id = set.next_in_both(id + 1, filter)) {
    if (f(id)) return true;
  }
  for (std::uint32_t id = set.next_in_both(0, filter); id != IdSet::npos && id < start;
       id = set.next_in_both(id + 1, filter)) {
    if (f(id)) return true;
  }
  return false;
}

}  // namespace compss::sched
