// The scheduler's look-ahead (scheduler.hpp, "Look-ahead"): calls sent to a busy node ahead
// of its free resources, so that a worker never waits a round trip to the master between
// two short tasks.
//
// Why the accounting stays right: a call goes ahead only to a node whose every task
// thread runs a placement (running >= after_running), so the node starts it only when one
// of those ends; it asks one core and nothing else, and at that end (ended(), under the
// lock, before the node is offered to anything else) the scheduler reserves the core for
// the oldest call waiting there (promote_ahead). Calls with memory, accelerators, storage
// or several cores never go ahead: a node's declared memory is never over-committed, and
// it never runs more tasks than it has threads.
#include "sched/scheduler.hpp"

#include "sched/scheduler_internal.hpp"

#include <algorithm>

namespace compss::sched {

void Scheduler::note_ahead(NodeSlot& n) {
  const NodeId id = n.node.id();
  const bool room = alive_.contains(id) && n.ahead.size() < n.lookahead.depth &&
                    n.gang_shares == 0 && n.node.running() >= n.lookahead.after_running;
  if (room == ahead_room_.contains(id)) return;
  if (room) {
    ahead_room_.insert(id);
    to_fill_.push_back(id);  // waiting calls may go ahead there now
  } else {
    ahead_room_.erase(id);
  }
}

bool Scheduler::place_ahead(TaskClass& c, void* task, NodeId avoid) {
  if (c.ahead_version == TaskClass::no_version || ahead_room_.empty()) return false;
  if (!can_avoid(c, avoid)) avoid = IdSet::npos;
  const NodeSet& candidates = c.candidates[c.ahead_version];
  auto usable = [&](NodeId id) {
    return id < nodes_.size() && ahead_room_.contains(id) && candidates.contains(id) &&
           id != avoid && id != reserved_node_ && nodes_[id].pinned.empty();
  };
  std::array<Preference, 16> buf;
  const std::size_t k = preferred_nodes(task, buf);
  for (std::size_t i = 0; i < k; ++i) {
    if (usable(buf[i].node)) {
      send_ahead(c, task, nodes_[buf[i].node]);
      return true;
    }
  }
  return scan_from(candidates, &ahead_room_, ahead_cursor_, [&](NodeId id) {
    if (!usable(id)) return false;
    ahead_cursor_ = id + 1;  // the next call goes ahead to the next node: spread
    send_ahead(c, task, nodes_[id]);
    return true;
  });
}

void Scheduler::send_ahead(TaskClass& c, void* task, NodeSlot& n) {
  const std::uint32_t v = c.ahead_version;
  Placement p{task, &c, v, {}};
  p.ahead = true;
  p.allocation.first.node = n.node.id();
  p.allocation.first.reserved = c.type.versions[v].constraints.demand;  // (bound at promotion)
  n.ahead.push_back({task, &c, v});
  note_ahead(n);
  ++placements_;
  out_.push_back({n.executor, this, std::move(p)});
}

void Scheduler::fill_ahead(NodeSlot& n) {
  const NodeId id = n.node.id();
  while (ahead_room_.contains(id)) {
    order_heads(n);
    auto it = std::find_if(order_.begin(), order_.end(), [&](TaskClass* c) {
      return c->ahead_version != TaskClass::no_version && c->candidates[c->ahead_version].contains(id) &&
             !(head(*c).avoid == id && can_avoid(*c, id));
    });
    if (it == order_.end()) return;
    send_ahead(**it, head(**it).task, n);
    pop_head(**it);
  }
}

void Scheduler::promote_ahead(NodeSlot& n) {
  if (!alive_.contains(n.node.id())) return;  // (its calls come back as lost)
  while (!n.ahead.empty() && n.node.running() < n.lookahead.after_running) {
    const NodeSlot::Ahead& a = n.ahead.front();
    NodeShare share;
    if (!n.node.try_reserve(a.cls->type.versions[a.version].constraints.demand, share)) return;
    n.promoted.emplace(a.task, std::move(share));
    n.ahead.pop_front();
  }
}

void Scheduler::ended_ahead(const Placement& placement) {
  NodeSlot& n = nodes_[placement.allocation.first.node];
  auto waiting = std::find_if(n.ahead.begin(), n.ahead.end(),
                              [&](const NodeSlot::Ahead& a) { return a.task == placement.task; });
  if (waiting != n.ahead.end()) {
    n.ahead.erase(waiting);  // ended before it got a core (its node lost, cancelled): none to give
  } else if (auto it = n.promoted.find(placement.task); it != n.promoted.end()) {
    n.node.release(it->second);
    n.promoted.erase(it);
    promote_ahead(n);
  }
  note_free(n);
  to_fill_.push_back(n.node.id());
}

}  // namespace compss::sched
