#include "observe/task_graph.hpp"

#include <compss/detail/access.hpp>

#include <algorithm>

namespace compss::rt::observe {

using detail::Direction;

const char* to_string(TaskState state) noexcept {
  switch (state) {
    case TaskState::pending: return "pending";
    case TaskState::ready: return "ready";
    case TaskState::running: return "running";
    case TaskState::done: return "done";
    case TaskState::failed: return "failed";
    case TaskState::cancelled: return "cancelled";
  }
  return "?";
}

TaskGraph::TaskGraph() : TaskGraph(std::make_shared<std::mutex>()) {}

TaskGraph::TaskGraph(std::shared_ptr<std::mutex> mutex) : mutex_(std::move(mutex)) {
  graph_.syncs.push_back({0, SyncKind::main});
}

GraphTask* TaskGraph::find_locked(std::uint64_t id) {
  const std::size_t* at = index_.find(id);
  return at == nullptr ? nullptr : &graph_.tasks[*at];
}

std::uint32_t TaskGraph::other_type_locked(std::string_view name, const detail::TaskSpec* spec) {
  if (last_type_ >= graph_.types.size() || graph_.types[last_type_] != name) {
    auto [it, fresh] = type_index_.try_emplace(std::string(name), 0);
    if (fresh) {
      it->second = static_cast<std::uint32_t>(graph_.types.size());
      graph_.types.emplace_back(name);
    }
    last_type_ = it->second;
  }
  last_spec_ = spec;
  return last_type_;
}

std::uint32_t TaskGraph::group_locked(std::span<const std::string_view> path) {
  std::uint32_t parent = 0;
  std::string key;
  for (std::string_view name : path) {
    key.append(name).push_back('\x1f');  // (a separator no group name needs)
    auto [it, fresh] = group_index_.try_emplace(key, 0);
    if (fresh) {
      graph_.groups.push_back({std::string(name), parent});
      it->second = static_cast<std::uint32_t>(graph_.groups.size());
    }
    parent = it->second;
  }
  return parent;
}

GraphNodeRef TaskGraph::source_locked(std::uint64_t task) {
  const std::uint32_t epoch = static_cast<std::uint32_t>(graph_.syncs.size() - 1);
  const std::size_t* at = index_.find(task);
  if (at == nullptr) return {false, task};
  if (graph_.tasks[*at].epoch != epoch) return {true, graph_.syncs.back().id};
  has_successor_[*at] = 1;  // (an edge leaves it: found here once, not again when published)
  return {false, task};
}

void TaskGraph::add_edge_locked(const GraphEdge& edge) {
  if (const std::size_t* at = edge.from.sync ? nullptr : index_.find(edge.from.id)) has_successor_[*at] = 1;
  graph_.edges.push_back(edge);
}

void TaskGraph::on_submitted(const rt::TaskSubmitted& e) {
  std::lock_guard lock(*mutex_);
  on_submitted_locked(e);
}

void TaskGraph::on_submitted_locked(const rt::TaskSubmitted& e) {
  const std::uint32_t epoch = static_cast<std::uint32_t>(graph_.syncs.size() - 1);
  // (outside groups, the common case, without the call)
  GraphTask task{e.task_id, type_locked(e.name, e.spec), e.groups.empty() ? 0u : group_locked(e.groups), epoch};
  index_.set(e.task_id, graph_.tasks.size());
  graph_.tasks.push_back(task);
  ++counts_.by_state[static_cast<int>(TaskState::pending)];
  ++counts_.total;
  ++counts_.changes;
  has_successor_.push_back(0);

  // This task's edges, before they join the graph: repeated ones are one, and the element
  // edges of one collection between two nodes are one (labelled with the collection).
  std::vector<GraphEdge>& mine = mine_;
  auto& containers = containers_;
  mine.clear();
  containers.clear();
  auto add = [&](GraphNodeRef from, const rt::DataAccess& a, std::uint64_t version) {
    const GraphNodeRef to{false, e.task_id};
    if (a.collection != 0) {
      auto c = std::find_if(containers.begin(), containers.end(),
                            [&](auto& p) { return p.first == a.collection; });
      for (GraphEdge& m : mine) {
        if (m.elements != 0 && m.from == from && m.to.id == a.collection) {
          ++m.elements;
          return;
        }
      }
      // (`to.id` holds the collection's number until the edges are published.)
      GraphEdge edge{from, {false, a.collection}, a.data_id, version, 1};
      if (c != containers.end()) edge.data = c->second.data_id, edge.version = c->second.version;
      mine.push_back(edge);
      return;
    }
    for (const GraphEdge& m : mine)
      if (m.elements == 0 && m.from == from && m.data == a.data_id && m.version == version) return;
    mine.push_back({from, to, a.data_id, version, 0});
  };
  for (std::size_t i = 0; i < e.data.size(); ++i) {
    const rt::DataAccess& a = e.data[i];
    // A collection's container comes first: its datum labels the collection's edges.
    bool container = a.collection != 0 && (i == 0 || e.data[i - 1].collection != a.collection);
    if (container) containers.emplace_back(a.collection, a);
    const bool shared = detail::shared_copy(a.direction);
    const bool reads = a.direction != Direction::out;
    const std::uint64_t read_version =
        (a.direction == Direction::inout || shared) && a.version > 0 ? a.version - 1 : a.version;
    if (reads) {
      if (const Makers* makers = makers_.find(a.data_id, read_version)) {
        for (std::uint64_t maker : makers_of(*makers, more_makers_))
          if (maker != e.task_id) add(source_locked(maker), a, read_version);
      }
    }
    if (detail::writes(a.direction) || shared) {
      Makers& makers = makers_.at_or_add(a.data_id, a.version);
      if (!shared) clear_makers(makers, more_makers_);
      add_maker(makers, e.task_id, more_makers_);
    }
  }
  for (GraphEdge& m : mine) {  // (source_locked marked their tasks as having a successor)
    m.to = {false, e.task_id};
    graph_.edges.push_back(m);
  }
}

void TaskGraph::set_state_locked(GraphTask& t, TaskState state) {
  --counts_.by_state[static_cast<int>(t.state)];
  if (t.state == TaskState::running && t.node >= 0) {
    GraphCounts::Node& n = counts_.nodes[static_cast<std::size_t>(t.node)];
    --n.running;
    ++n.ended;
  }
  t.state = state;
  ++counts_.by_state[static_cast<int>(state)];
  if (state == TaskState::running && t.node >= 0) ++counts_.nodes[static_cast<std::size_t>(t.node)].running;
  ++counts_.changes;
}

void TaskGraph::on_ready(const rt::TaskReady& e) {
  std::lock_guard lock(*mutex_);
  on_ready_locked(e);
}

void TaskGraph::on_ready_locked(const rt::TaskReady& e) {
  if (GraphTask* t = find_locked(e.task_id); t != nullptr && t->state == TaskState::pending)
    set_state_locked(*t, TaskState::ready);
}

void TaskGraph::on_started(const rt::TaskStarted& e) {
  std::lock_guard lock(*mutex_);
  on_started_locked(e);
}

void TaskGraph::on_started_locked(const rt::TaskStarted& e) {
  GraphTask* t = find_locked(e.task_id);
  if (t == nullptr || e.where.node < 0) return;
  const auto node = static_cast<std::size_t>(e.where.node);
  if (counts_.nodes.size() <= node) counts_.nodes.resize(node + 1);
  if (counts_.nodes[node].name.empty()) counts_.nodes[node].name = e.where.node_name;
  if (t->state == TaskState::running) set_state_locked(*t, TaskState::ready);  // (a lost attempt)
  t->node = e.where.node;
  set_state_locked(*t, TaskState::running);
}

void TaskGraph::on_ended(const rt::TaskEnded& e) {
  std::lock_guard lock(*mutex_);
  on_ended_locked(e);
}

void TaskGraph::on_ended_locked(const rt::TaskEnded& e) {
  GraphTask* t = find_locked(e.task_id);
  if (t == nullptr) return;
  if (e.will_retry) {
    set_state_locked(*t, TaskState::ready);
    return;
  }
  switch (e.outcome) {
    case rt::TaskOutcome::success: set_state_locked(*t, TaskState::done); break;
    case rt::TaskOutcome::cancelled: set_state_locked(*t, TaskState::cancelled); break;
    case rt::TaskOutcome::failed:
    case rt::TaskOutcome::timed_out: set_state_locked(*t, TaskState::failed); break;
  }
}

void TaskGraph::on_activity(const rt::RuntimeActivity& e) {
  // (submissions are told around every task: no lock for them)
  if (!e.begin || (e.kind != rt::Activity::barrier && e.kind != rt::Activity::wait_on)) return;
  std::lock_guard lock(*mutex_);
  if (e.kind == rt::Activity::barrier) {
    barrier_locked();
  } else {
    wait_on_locked(e.data);
  }
}

void TaskGraph::wait_on_locked(std::span<const rt::DataAccess> data) {
  // Only versions tasks made and no sync node has yet: waiting twice draws one node.
  std::vector<GraphEdge> mine;
  const std::uint64_t sync = graph_.syncs.size();
  for (const rt::DataAccess& a : data) {
    const VersionKey key{a.data_id, a.version};
    const Makers* makers = makers_.find(a.data_id, a.version);
    if (makers == nullptr || made_before_barrier_locked(makers_of(*makers, more_makers_)) ||
        !waited_.insert(key).second)
      continue;
    for (std::uint64_t maker : makers_of(*makers, more_makers_)) mine.push_back({source_locked(maker), {true, sync}, a.data_id, a.version, 0});
  }
  if (mine.empty()) return;
  graph_.syncs.push_back({sync, SyncKind::wait_on});
  ++counts_.changes;
  for (const GraphEdge& m : mine) add_edge_locked(m);
  epoch_begin_ = graph_.tasks.size();
}

bool TaskGraph::made_before_barrier_locked(std::span<const std::uint64_t> makers) {
  for (std::uint64_t maker : makers) {
    GraphTask* t = find_locked(maker);
    if (t == nullptr || t->epoch >= last_barrier_) return false;
  }
  return true;
}

void TaskGraph::barrier_locked() {
  if (epoch_begin_ == graph_.tasks.size()) return;  // no task since the last sync node
  const std::uint64_t sync = graph_.syncs.size();
  graph_.syncs.push_back({sync, SyncKind::barrier});
  ++counts_.changes;
  for (std::size_t i = epoch_begin_; i < graph_.tasks.size(); ++i)
    if (!has_successor_[i]) add_edge_locked({{false, graph_.tasks[i].id}, {true, sync}});
  epoch_begin_ = graph_.tasks.size();
  last_barrier_ = static_cast<std::uint32_t>(sync);
}

GraphSnapshot TaskGraph::snapshot() const {
  std::lock_guard lock(*mutex_);
  return graph_;
}

GraphCounts TaskGraph::counts() const {
  std::lock_guard lock(*mutex_);
  return counts_;
}

std::size_t TaskGraph::task_count() const {
  std::lock_guard lock(*mutex_);
  return graph_.tasks.size();
}

}  // namespace compss::rt::observe
