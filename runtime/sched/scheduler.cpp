#include "sched/scheduler.hpp"

#include "sched/gang.hpp"
#include "sched/scheduler_internal.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <array>

namespace compss::sched {

namespace {

bool asks_accelerator(const Constraints& c) noexcept {
  return c.demand.units[1] + c.demand.units[2] + c.demand.units[3] > 0;
}

}  // namespace

Scheduler::Scheduler(Options options) : options_(std::move(options)) {}
Scheduler::~Scheduler() = default;

NodeId Scheduler::add_node(std::string name, Resources total, NodeExecutor& executor,
                           Lookahead lookahead) {
  std::vector<Dispatch> batch;
  NodeId id;
  {
    std::lock_guard lock(mutex_);
    id = static_cast<NodeId>(nodes_.size());
    NodeSlot& n = nodes_.emplace_back(NodeSlot{Node(id, std::move(name), std::move(total)), &executor, lookahead, {}, {}, {}});
    alive_.insert(id);
    note_free(n);
    for (TaskClass& c : classes_) add_candidate(c, n);
    to_fill_.push_back(id);
    settle();
    batch.swap(out_);
  }
  dispatch(batch);
  return id;
}

void Scheduler::add_candidate(TaskClass& c, NodeSlot& n) {
  if (c.type.only != IdSet::npos && n.node.id() != c.type.only) return;
  for (std::size_t v = 0; v < c.type.versions.size(); ++v) {
    const Constraints& k = c.type.versions[v].constraints;
    if (fits_total(k, n.node.total())) c.whole[v].insert(n.node.id());
    if (k.gang.units > 0 ? matches(k, n.node.total()) &&
                               gang_slice(k, n.node.total().capacity(), k.gang.units) > 0
                         : fits_total(k, n.node.total())) {
      c.candidates[v].insert(n.node.id());
      c.any_candidate.insert(n.node.id());
    }
  }
}

const TaskClass* Scheduler::register_type(TaskType type) {
  if (type.versions.empty()) {
    throw Error("compss: task '" + type.name + "' registered with no version");
  }
  std::lock_guard lock(mutex_);
  TaskClass& c = classes_.emplace_back();
  c.type = std::move(type);
  c.candidates.resize(c.type.versions.size());
  c.whole.resize(c.type.versions.size());
  for (std::uint32_t v = 0; v < c.type.versions.size(); ++v) {
    if (asks_accelerator(c.type.versions[v].constraints)) c.order.push_back(v);
  }
  for (std::uint32_t v = 0; v < c.type.versions.size(); ++v) {
    if (!asks_accelerator(c.type.versions[v].constraints)) c.order.push_back(v);
  }
  if (c.type.lookahead && !c.type.replicated && !c.type.distributed) {
    for (std::uint32_t v : c.order) {
      const Constraints& k = c.type.versions[v].constraints;
      if (k.demand == Constraints::one_cpu() && k.gang.units == 0) {  // (gangs never go ahead)
        c.ahead_version = v;
        break;
      }
    }
  }
  // (Live nodes only: a type first registered after a node left must not wait for it.)
  for (NodeSlot& n : nodes_) {
    if (alive_.contains(n.node.id())) add_candidate(c, n);
  }
  return &c;
}

std::uint32_t Scheduler::gang_capacity(const TaskClass& c, std::uint32_t v) const {
  const Constraints& k = c.type.versions[v].constraints;
  std::uint32_t remaining = k.gang.units;
  for (NodeId id = c.candidates[v].next(0); id != IdSet::npos && remaining > 0; id = c.candidates[v].next(id + 1)) {
    remaining -= gang_slice(k, nodes_[id].node.total().capacity(), remaining);
  }
  return k.gang.units - remaining;
}

bool Scheduler::feasible(const TaskClass& c) const {
  for (std::uint32_t v = 0; v < c.type.versions.size(); ++v) {
    const Constraints& k = c.type.versions[v].constraints;
    // (A gang with processes_per_node never uses one node for more than that.)
    if (k.gang.units == 0 ? !c.candidates[v].empty()
                          : (k.gang.per_node == 0 && !c.whole[v].empty()) ||
                                gang_capacity(c, v) == k.gang.units) {
      return true;
    }
  }
  return false;
}

void Scheduler::check_feasible(const TaskClass& c) const {
  if (feasible(c)) return;
  if (!c.any_candidate.empty()) {
    // Every node it needs exists, but not enough of them: a gang (MPI, multinode).
    const std::uint32_t v = c.order.front();
    const Constraints& k = c.type.versions[v].constraints;
    std::string nodes;
    for (NodeId id = c.candidates[v].next(0); id != IdSet::npos; id = c.candidates[v].next(id + 1)) {
      const Node& n = nodes_[id].node;
      const std::uint32_t cores = n.total().capacity().cpus();
      nodes += (nodes.empty() ? "" : ", ") + n.name() + " (" + std::to_string(cores) +
               (cores == 1 ? " core)" : " cores)");
    }
    throw Error("compss: task '" + c.type.name + "' can never run: it asks for " +
                describe_gang(k) + " at once, but the nodes of the run that can take part (" +
                nodes + ") hold only " + std::to_string(gang_capacity(c, v)) + " of its " +
                std::to_string(k.gang.units) +
                " processes (add workers, or raise their cores: COMPSS_WORKER_CORES, "
                "--master-cores)");
  }
  if (auto msg = never_fits_on_live(c, IdSet::npos)) throw Error(*msg);
  throw Error("compss: task '" + c.type.name + "' can never run: no node left can run it");
}

std::optional<std::string> Scheduler::never_fits_on_live(const TaskClass& c, NodeId except,
                                                         std::span<const NodeId> gone) const {
  std::vector<const Constraints*> versions;
  std::vector<const std::string*> names;
  for (const Version& v : c.type.versions) {
    versions.push_back(&v.constraints);
    names.push_back(&v.name);
  }
  std::vector<NamedResources> live;
  for (const NodeSlot& n : nodes_) {
    if (alive_.contains(n.node.id()) && n.node.id() != except &&
        (c.type.only == IdSet::npos || n.node.id() == c.type.only) &&
        std::find(gone.begin(), gone.end(), n.node.id()) == gone.end()) {
      live.push_back({&n.node.name(), &n.node.total()});
    }
  }
  return sched::never_fits(c.type.name, versions, live, names);
}

void Scheduler::check(const TaskClass* type) const {
  std::lock_guard lock(mutex_);
  check_feasible(*type);
}

void Scheduler::submit(void* task, const TaskClass* type, NodeId avoid) {
  // The scheduler owns every TaskClass; callers only see them const.
  TaskClass& c = const_cast<TaskClass&>(*type);
  std::vector<Dispatch> batch;
  {
    std::lock_guard lock(mutex_);
    check_feasible(c);
    ++next_seq_;
    if (c.type.replicated) {
      const auto count = static_cast<std::uint32_t>(c.any_candidate.count());
      replicas_left_[task] = count;
      // The run-last node's replica waits for the others (replica_done pins it).
      const bool last = count > 1 && replicas_last_node_ != IdSet::npos &&
                        c.any_candidate.contains(replicas_last_node_);
      if (last) last_replicas_[task] = &c;
      for (NodeId id = c.any_candidate.next(0); id != IdSet::npos; id = c.any_candidate.next(id + 1)) {
        if (!last || id != replicas_last_node_) pin(c, task, nodes_[id]);
      }
    } else if (c.type.distributed) {
      NodeId id = c.any_candidate.next(c.round_robin);
      if (id == IdSet::npos) id = c.any_candidate.next(0);
      c.round_robin = id + 1;
      pin(c, task, nodes_[id]);
    } else if (!c.queue.empty() || (!place_anywhere(c, task, avoid) && !place_ahead(c, task, avoid))) {
      // A type with waiting calls cannot fit anywhere, nor go ahead (the invariant): queue
      // behind them.
      if (c.queue.empty() || options_.policy == Policy::lifo) c.head_mark = placements_;
      c.queue.push_back({task, next_seq_, avoid});
    }
    settle();
    batch.swap(out_);
  }
  dispatch(batch);
}

void Scheduler::pin(TaskClass& c, void* task, NodeSlot& n) {
  if (!n.pinned.empty() || !place_on(c, task, n)) n.pinned.push_back({task, &c});
}

bool Scheduler::place_pinned(Pinned& p, NodeSlot& n) {
  if (p.version == TaskClass::no_version) return place_on(*p.cls, p.task, n);
  return place_version(*p.cls, p.task, p.version, n);
}

bool Scheduler::replica_done(void* task) {
  auto it = replicas_left_.find(task);
  if (it == replicas_left_.end()) return true;
  if (--it->second == 0) {
    replicas_left_.erase(it);
    return true;
  }
  if (it->second == 1) {
    if (auto last = last_replicas_.find(task); last != last_replicas_.end()) {
      TaskClass& c = *last->second;
      last_replicas_.erase(last);
      pin(c, task, nodes_[replicas_last_node_]);
    }
  }
  return false;
}

void Scheduler::run_replicas_last(NodeId node) {
  std::lock_guard lock(mutex_);
  replicas_last_node_ = node;
}

bool Scheduler::replica_runs_last(const TaskClass* type) const {
  std::lock_guard lock(mutex_);
  return replicas_last_node_ != IdSet::npos && alive_.contains(replicas_last_node_) &&
         type->any_candidate.contains(replicas_last_node_);
}

bool Scheduler::place_on(TaskClass& c, void* task, NodeSlot& n) {
  for (std::uint32_t v : c.order) {
    if (c.candidates[v].contains(n.node.id()) && place_version(c, task, v, n)) return true;
  }
  return false;
}

bool Scheduler::place_version(TaskClass& c, void* task, std::uint32_t version, NodeSlot& n) {
  if (c.type.versions[version].constraints.gang.units > 0) return place_gang(c, task, version, n);
  Placement p{task, &c, version, {}};
  if (!n.node.try_reserve(c.type.versions[version].constraints.demand, p.allocation.first)) {
    return false;
  }
  note_free(n);
  ++placements_;
  out_.push_back({n.executor, this, std::move(p)});
  return true;
}

bool Scheduler::place_gang(TaskClass& c, void* task, std::uint32_t version, NodeSlot& first) {
  const Constraints& k = c.type.versions[version].constraints;
  // An MPI task that some node could hold whole is never split (it waits for that node).
  const bool one_node = k.gang.per_node == 0 && !c.whole[version].empty();
  if (one_node && !c.whole[version].contains(first.node.id())) return false;
  gang_parts_.clear();
  std::uint32_t remaining = k.gang.units;
  auto take = [&](NodeSlot& n) {
    const std::uint32_t units = gang_slice(k, n.node.free(), remaining);
    if (units == 0) return false;
    gang_parts_.emplace_back(&n, units);
    remaining -= units;
    return true;
  };
  if (!take(first) || (one_node && remaining > 0)) return false;
  const NodeSet& others = c.candidates[version];
  for (NodeId id = others.next_in_both(0, &has_free_cpu_); id != IdSet::npos && remaining > 0;
       id = others.next_in_both(id + 1, &has_free_cpu_)) {
    if (id == first.node.id() || (id == reserved_node_ && reserved_for_ != &c)) continue;
    if (!nodes_[id].ahead.empty()) continue;  // (its cores are promised to the calls there)
    take(nodes_[id]);
  }
  if (remaining > 0) return false;  // not enough at this instant: nothing was reserved
  Placement p{task, &c, version, {}};
  for (std::size_t i = 0; i < gang_parts_.size(); ++i) {
    auto [n, units] = gang_parts_[i];
    NodeShare& share = i == 0 ? p.allocation.first : p.allocation.more.emplace_back();
    n->node.try_reserve(gang_node_demand(k, units), share);  // (fits: the slice says so)
    share.units = units;
    if (i > 0) ++n->gang_shares;  // (no room ahead while it holds it: note_free)
    note_free(*n);
  }
  ++placements_;
  out_.push_back({first.executor, this, std::move(p)});
  return true;
}

bool Scheduler::can_avoid(const TaskClass& c, NodeId avoid) const {
  if (avoid == IdSet::npos) return false;
  for (NodeId id = c.any_candidate.next_in_both(0, &alive_); id != IdSet::npos;
       id = c.any_candidate.next_in_both(id + 1, &alive_)) {
    if (id != avoid) return true;
  }
  return false;
}

bool Scheduler::place_anywhere(TaskClass& c, void* task, NodeId avoid) {
  if (!can_avoid(c, avoid)) avoid = IdSet::npos;  // the only node left: use it again
  auto usable = [&](NodeId id) {
    return id < nodes_.size() && alive_.contains(id) && id != avoid &&
           (id != reserved_node_ || reserved_for_ == &c);
  };
  std::array<Preference, 16> buf;
  const std::size_t k = preferred_nodes(task, buf);
  for (std::size_t i = 0; i < k; ++i) {
    if (usable(buf[i].node) && place_on(c, task, nodes_[buf[i].node])) return true;
  }
  for (std::uint32_t v : c.order) {
    const Capacity& demand = c.type.versions[v].constraints.demand;
    // Nodes without a free core are skipped 64 at a time for tasks that need a core.
    const NodeSet* filter = demand.cpus() > 0 ? &has_free_cpu_ : &alive_;
    bool placed = scan_from(c.candidates[v], filter, c.cursor, [&](NodeId id) {
      if (!usable(id) || !place_version(c, task, v, nodes_[id])) return false;
      c.cursor = id + 1;
      return true;
    });
    if (placed) return true;
  }
  return false;
}

std::size_t Scheduler::preferred_nodes(void* task, std::array<Preference, 16>& out) const {
  if (options_.policy != Policy::locality || !options_.preferences) return 0;
  std::size_t k = std::min(options_.preferences(task, out), out.size());
  std::sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k),
            [](const Preference& a, const Preference& b) { return a.bytes > b.bytes; });
  return k;
}

std::vector<void*> Scheduler::remove_node(NodeId node) {
  std::vector<Dispatch> batch;
  std::vector<void*> stranded;
  std::vector<void*> replicas_done;
  {
    std::lock_guard lock(mutex_);
    if (node >= nodes_.size() || !alive_.contains(node)) return {};
    alive_.erase(node);
    has_free_cpu_.erase(node);
    ahead_room_.erase(node);
    for (TaskClass& c : classes_) {
      for (NodeSet& versions : c.candidates) versions.erase(node);
      for (NodeSet& versions : c.whole) versions.erase(node);
      c.any_candidate.erase(node);
    }
    if (reserved_node_ == node) {
      reserved_node_ = IdSet::npos;
      reserved_for_ = nullptr;
    }
    if (replicas_last_node_ == node) {
      // Its replicas still to come will never run: they count as done.
      replicas_last_node_ = IdSet::npos;
      std::unordered_map<void*, TaskClass*> last;
      last.swap(last_replicas_);
      for (auto& [task, cls] : last) {
        if (replica_done(task)) replicas_done.push_back(task);
      }
    }
    NodeSlot& gone = nodes_[node];
    std::deque<Pinned> pinned;
    pinned.swap(gone.pinned);
    for (Pinned& p : pinned) {
      if (p.version != TaskClass::no_version) continue;  // (taken back: its holder sees the loss)
      if (p.cls->type.replicated) {
        // One replica fewer to wait for: that node is not part of the run any more.
        if (replica_done(p.task)) replicas_done.push_back(p.task);
      } else if (p.cls->any_candidate.empty()) {
        stranded.push_back(p.task);
      } else {
        NodeId id = p.cls->any_candidate.next(p.cls->round_robin);
        if (id == IdSet::npos) id = p.cls->any_candidate.next(0);
        p.cls->round_robin = id + 1;
        pin(*p.cls, p.task, nodes_[id]);
      }
    }
    for (TaskClass& c : classes_) {
      if (feasible(c)) continue;
      for (const TaskClass::Entry& e : c.queue) stranded.push_back(e.task);
      c.queue.clear();
    }
    for (NodeId id = alive_.next(0); id != IdSet::npos; id = alive_.next(id + 1)) to_fill_.push_back(id);
    settle();
    batch.swap(out_);
  }
  if (options_.call_ended) {
    for (void* t : replicas_done) options_.call_ended(t);
  }
  dispatch(batch);
  return stranded;
}

std::uint32_t Scheduler::fitting_version(const TaskClass* type, std::uint32_t preferred,
                                         NodeId except, std::vector<NodeId>& nodes,
                                         std::string& why, std::size_t* free_now) const {
  std::lock_guard lock(mutex_);
  const TaskClass& c = *type;
  nodes.clear();
  if (free_now != nullptr) *free_now = 0;
  auto try_version = [&](std::uint32_t v) {
    // (whole: the node's totals hold all of it, a gang's every process too.)
    for (NodeId id = c.whole[v].next_in_both(0, &alive_); id != IdSet::npos;
         id = c.whole[v].next_in_both(id + 1, &alive_)) {
      if (id != except) nodes.push_back(id);
    }
    // A remake runs beside what runs there: a node with room for it now is better.
    const Constraints& k = c.type.versions[v].constraints;
    auto busy = std::stable_partition(nodes.begin(), nodes.end(), [&](NodeId id) {
      return fits(k, nodes_[id].node.total(), nodes_[id].node.free());
    });
    if (free_now != nullptr) *free_now = static_cast<std::size_t>(busy - nodes.begin());
    return !nodes.empty();
  };
  if (preferred < c.type.versions.size() && try_version(preferred)) return preferred;
  for (std::uint32_t v : c.order) {
    if (v != preferred && try_version(v)) return v;
  }
  auto msg = never_fits_on_live(c, except);
  why = msg ? *msg
            : "compss: task '" + c.type.name + "' can run only over several nodes (" +
                  describe_gang(c.type.versions[preferred < c.type.versions.size() ? preferred : 0]
                                    .constraints) +
                  "), and a task is made again on one node";
  return TaskClass::no_version;
}

std::string Scheduler::never_fits_without(const TaskClass* type, std::span<const NodeId> gone) const {
  std::lock_guard lock(mutex_);
  return never_fits_on_live(*type, IdSet::npos, gone).value_or(std::string());
}

std::string Scheduler::never_fits(const TaskClass* type) const {
  try {
    check(type);
    return {};
  } catch (const Error& e) {
    return e.what();
  }
}

void Scheduler::note_free(NodeSlot& n) {
  if (alive_.contains(n.node.id()) && n.node.free().cpus() > 0) {
    has_free_cpu_.insert(n.node.id());
  } else {
    has_free_cpu_.erase(n.node.id());
  }
  if (n.lookahead.depth > 0) note_ahead(n);
}

TaskClass::Entry& Scheduler::head(TaskClass& c) const {
  return options_.policy == Policy::lifo ? c.queue.back() : c.queue.front();
}

void Scheduler::pop_head(TaskClass& c) {
  if (options_.policy == Policy::lifo) {
    c.queue.pop_back();
  } else {
    c.queue.pop_front();
  }
  c.head_mark = placements_;
  if (&c == reserved_for_) {
    // Its head started (here or elsewhere): the node it reserved takes others again.
    to_fill_.push_back(reserved_node_);
    reserved_node_ = IdSet::npos;
    reserved_for_ = nullptr;
  }
}

void Scheduler::fill(NodeSlot& n) {
  while (true) {
    while (!n.pinned.empty() && place_pinned(n.pinned.front(), n)) {
      n.pinned.pop_front();
    }
    // A waiting pinned call has nowhere else to go: the node takes nothing else before it.
    if (!n.pinned.empty()) return;
    if (reserved_node_ == n.node.id()) {
      TaskClass& r = *reserved_for_;
      if (r.queue.empty() || (head(r).avoid == n.node.id() && can_avoid(r, n.node.id())) ||
          !place_on(r, head(r).task, n)) {
        return;
      }
      pop_head(r);
      continue;
    }
    if (!place_best_head(n)) break;
  }
  fill_ahead(n);
}

void Scheduler::order_heads(const NodeSlot& n) {
  order_.clear();
  for (TaskClass& c : classes_) {
    if (!c.queue.empty() && c.any_candidate.contains(n.node.id())) order_.push_back(&c);
  }
  const bool lifo = options_.policy == Policy::lifo;
  std::sort(order_.begin(), order_.end(), [&](TaskClass* a, TaskClass* b) {
    if (a->type.priority != b->type.priority) return a->type.priority;
    return lifo ? head(*a).seq > head(*b).seq : head(*a).seq < head(*b).seq;
  });
}

bool Scheduler::place_best_head(NodeSlot& n) {
  order_heads(n);
  for (TaskClass* c : order_) {
    if (head(*c).avoid == n.node.id() && can_avoid(*c, n.node.id())) continue;
    if (place_on(*c, head(*c).task, n)) {
      pop_head(*c);
      return true;
    }
  }
  return false;
}

void Scheduler::settle() {
  while (!to_fill_.empty()) {
    NodeId id = to_fill_.back();
    to_fill_.pop_back();
    if (id < nodes_.size() && alive_.contains(id)) fill(nodes_[id]);  // (not a removed one)
  }
  maybe_reserve();
}

void Scheduler::maybe_reserve() {
  if (reserved_node_ != IdSet::npos) return;
  TaskClass* oldest = nullptr;
  for (TaskClass& c : classes_) {
    if (c.queue.empty() || placements_ - c.head_mark < options_.aging_limit) continue;
    if (oldest == nullptr || head(c).seq < head(*oldest).seq) oldest = &c;
  }
  if (oldest == nullptr) return;
  // The candidate node closest to fitting: most free cores, then most free memory.
  NodeSlot* best = nullptr;
  for (NodeId id = oldest->any_candidate.next_in_both(0, &alive_); id != IdSet::npos;
       id = oldest->any_candidate.next_in_both(id + 1, &alive_)) {
    NodeSlot& n = nodes_[id];
    if (best == nullptr || n.node.free().cpus() > best->node.free().cpus() ||
        (n.node.free().cpus() == best->node.free().cpus() &&
         n.node.free().memory_mb > best->node.free().memory_mb)) {
      best = &n;
    }
  }
  if (best == nullptr) return;
  reserved_node_ = best->node.id();
  reserved_for_ = oldest;
}

void Scheduler::release_shares(const Placement& placement) {
  auto release = [&](const NodeShare& share) {
    NodeSlot& n = nodes_[share.node];
    n.node.release(share);
    promote_ahead(n);  // (before anything else is offered the core)
    note_free(n);
    to_fill_.push_back(share.node);
  };
  release(placement.allocation.first);
  for (const NodeShare& share : placement.allocation.more) {
    --nodes_[share.node].gang_shares;
    release(share);
  }
}

void Scheduler::give_back(const Placement& placement) {
  std::vector<Dispatch> batch;
  {
    std::lock_guard lock(mutex_);
    release_shares(placement);
    settle();
    batch.swap(out_);
  }
  dispatch(batch);
}

bool Scheduler::take_back(const Placement& placement) {
  std::vector<Dispatch> batch;
  {
    std::lock_guard lock(mutex_);
    const NodeId id = placement.allocation.first.node;
    if (!alive_.contains(id)) return false;
    NodeSlot& n = nodes_[id];
    // (Pinned first on its node: nothing placed there since goes before it.)
    Pinned p{placement.task, const_cast<TaskClass*>(placement.type), placement.version};
    if (!n.pinned.empty() || !place_pinned(p, n)) n.pinned.push_back(p);
    settle();
    batch.swap(out_);
  }
  dispatch(batch);
  return true;
}

void Scheduler::ended(const Placement& placement) {
  std::vector<Dispatch> batch;
  bool call_done = true;
  {
    std::lock_guard lock(mutex_);
    if (placement.ahead) {
      ended_ahead(placement);
    } else if (!placement.given_back) {
      release_shares(placement);
    }
    if (placement.type != nullptr && placement.type->type.replicated) {
      call_done = replica_done(placement.task);
    }
    settle();
    batch.swap(out_);
  }
  if (call_done && options_.call_ended) options_.call_ended(placement.task);
  dispatch(batch);
}

void Scheduler::dispatch(std::vector<Dispatch>& batch) {
  // An executor may end a task inside run(), which places more and dispatches again: on
  // this thread those join the outer loop instead of recursing (a deep chain of
  // synchronous ends would otherwise grow the stack without bound).
  static thread_local std::vector<Dispatch>* active = nullptr;
  if (active != nullptr) {
    for (Dispatch& d : batch) active->push_back(std::move(d));
    return;
  }
  std::vector<Dispatch> queue = std::move(batch);
  active = &queue;
  struct Reset {
    ~Reset() { active = nullptr; }
  } reset;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    Dispatch d = std::move(queue[i]);
    d.executor->run(std::move(d.placement), *d.done);
  }
}

std::size_t Scheduler::waiting() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const TaskClass& c : classes_) n += c.queue.size();
  for (const NodeSlot& s : nodes_) n += s.pinned.size();
  return n;
}

std::size_t Scheduler::node_count() const {
  std::lock_guard lock(mutex_);
  return nodes_.size();
}

Capacity Scheduler::free(NodeId node) const {
  std::lock_guard lock(mutex_);
  return nodes_.at(node).node.free();
}

Capacity Scheduler::total(NodeId node) const {
  std::lock_guard lock(mutex_);
  return nodes_.at(node).node.total().capacity();
}

NodeExecutor& Scheduler::executor_of(NodeId node) const {
  std::lock_guard lock(mutex_);
  return *nodes_.at(node).executor;
}

unsigned Scheduler::running(NodeId node) const {
  std::lock_guard lock(mutex_);
  return nodes_.at(node).node.running();
}

std::size_t Scheduler::ahead(NodeId node) const {
  std::lock_guard lock(mutex_);
  return nodes_.at(node).ahead.size();
}

NodeId Scheduler::reserved_node() const {
  std::lock_guard lock(mutex_);
  return reserved_node_;
}

}  // namespace compss::sched
