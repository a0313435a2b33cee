#include "observe/trace_recorder.hpp"

#include <algorithm>

namespace compss::rt::observe {

TraceRecorder::Shard& TraceRecorder::shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t index = next.fetch_add(1, std::memory_order_relaxed) % shard_count;
  return shards_[index];
}

bool TraceRecorder::admit(Shard& s, std::uint64_t n) noexcept {
  while (s.allowance < n) {
    const std::uint64_t want = std::max(n, allowance_chunk);
    const std::uint64_t taken = budget_taken_.fetch_add(want, std::memory_order_relaxed);
    if (taken >= max_events_) {
      dropped_.fetch_add(n, std::memory_order_relaxed);
      return false;
    }
    s.allowance += std::min(want, max_events_ - taken);  // (the last chunk may be short)
  }
  s.allowance -= n;
  return true;
}

void TraceRecorder::on_submitted(const TaskSubmitted& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1 + e.dependencies.size())) return;
  if (e.name != s.last_name || s.type_names.empty()) {
    auto [it, added] = s.type_index.try_emplace(std::string(e.name), static_cast<std::uint32_t>(s.type_names.size()));
    if (added) {
      s.type_names.emplace_back(e.name);
      s.type_specs.push_back(e.spec);
    }
    s.last_name = e.name;
    s.last_type = it->second;
  }
  s.submitted.push_back({e.task_id, s.last_type, e.time});
  for (const Dependency& d : e.dependencies) {
    s.dependency_of.push_back(d);
    s.dependency_task.push_back(e.task_id);
  }
}

void TraceRecorder::on_ready(const TaskReady& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.ready.push_back(e);
}

void TraceRecorder::on_placed(const TaskPlaced& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.placed.push_back(e);
}

void TraceRecorder::on_started(const TaskStarted& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.started.push_back({e.task_id, e.attempt, e.where.node, e.where.slot, e.time});
  if (!e.where.node_name.empty() && !s.node_names.contains(e.where.node)) {
    s.node_names.emplace(e.where.node, std::string(e.where.node_name));
  }
}

void TraceRecorder::on_ended(const TaskEnded& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.ended.push_back(e);
}

void TraceRecorder::on_transfer(const DataTransferred& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.transfers.push_back(e);
}

void TraceRecorder::on_activity(const RuntimeActivity& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.activities.push_back(e);
}

void TraceRecorder::on_node_activity(const NodeActivity& e) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (!admit(s, 1)) return;
  s.node_activities.push_back(e);
}

void TraceRecorder::on_clock(const NodeClock& e) {
  std::lock_guard lock(clocks_mutex_);
  clocks_[e.node] = e;
}

void TraceRecorder::on_run_ended(const RunEnded& e) { run_ended_.store(e.time, std::memory_order_relaxed); }

namespace {
template <class T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}
template <class T, class Time>
void sort_by(std::vector<T>& v, Time time) {
  std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) { return time(a) < time(b); });
}
}  // namespace

TraceEvents TraceRecorder::take() {
  TraceEvents out;
  std::unordered_map<std::string, std::uint32_t> type_index;
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    // Renumber this shard's task types into the merged list.
    std::vector<std::uint32_t> renumber(s.type_names.size());
    for (std::size_t i = 0; i < s.type_names.size(); ++i) {
      auto [it, added] = type_index.try_emplace(s.type_names[i], static_cast<std::uint32_t>(out.type_names.size()));
      if (added) {
        out.type_names.push_back(s.type_names[i]);
        out.type_specs.push_back(s.type_specs[i]);
      }
      renumber[i] = it->second;
    }
    for (SubmitRecord& r : s.submitted) r.type = renumber[r.type];
    append(out.submitted, s.submitted);
    append(out.dependency_of, s.dependency_of);
    append(out.dependency_task, s.dependency_task);
    append(out.ready, s.ready);
    append(out.placed, s.placed);
    append(out.started, s.started);
    append(out.ended, s.ended);
    append(out.transfers, s.transfers);
    append(out.activities, s.activities);
    append(out.node_activities, s.node_activities);
    for (auto& [node, name] : s.node_names) out.node_names.try_emplace(node, name);
    s.node_names.clear();
    s.type_names.clear();
    s.type_specs.clear();
    s.type_index.clear();
    s.last_name.clear();
  }
  sort_by(out.submitted, [](const SubmitRecord& r) { return r.time; });
  sort_by(out.ready, [](const TaskReady& r) { return r.time; });
  sort_by(out.placed, [](const TaskPlaced& r) { return r.time; });
  sort_by(out.started, [](const StartRecord& r) { return r.time; });
  sort_by(out.ended, [](const TaskEnded& r) { return r.time; });
  sort_by(out.transfers, [](const DataTransferred& r) { return r.begin; });
  sort_by(out.activities, [](const RuntimeActivity& r) { return r.time; });
  sort_by(out.node_activities, [](const NodeActivity& r) { return r.begin; });
  {
    std::lock_guard lock(clocks_mutex_);
    out.clocks = clocks_;
  }
  out.run_ended = run_ended_.load(std::memory_order_relaxed);
  out.dropped = dropped_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace compss::rt::observe
