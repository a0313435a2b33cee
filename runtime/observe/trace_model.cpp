#include "observe/trace_model.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace compss::rt::observe {

int TraceModel::node_index(int id) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) return static_cast<int>(i);
  }
  return 0;
}

std::int64_t TraceModel::max_clock_error() const {
  std::int64_t worst = 0;
  for (const TraceNode& n : nodes) worst = std::max(worst, n.clock_error);
  return worst;
}

std::vector<int> lay_on_lanes(const std::vector<Interval>& spans) {
  std::vector<std::int64_t> lane_end;  // lane i is busy until lane_end[i]
  std::vector<int> lanes;
  lanes.reserve(spans.size());
  for (const Interval& s : spans) {
    int lane = -1;
    const int want = s.preferred_lane;
    if (want >= 0 && want < 1024) {
      if (static_cast<std::size_t>(want) >= lane_end.size()) {
        lane_end.resize(want + 1, std::numeric_limits<std::int64_t>::min());
      }
      if (lane_end[want] <= s.begin) lane = want;
    }
    for (std::size_t i = 0; lane < 0 && i < lane_end.size(); ++i) {
      if (lane_end[i] <= s.begin) lane = static_cast<int>(i);
    }
    if (lane < 0) {
      lane = static_cast<int>(lane_end.size());
      lane_end.push_back(0);
    }
    lane_end[lane] = s.end;
    lanes.push_back(lane);
  }
  return lanes;
}

std::string thread_name(const TraceNode& n, int t) {
  if (t == 1) return n.name + (n.id == 0 ? " main" : " runtime");
  return n.name + (n.id == 0 ? " executor " : " lane ") + std::to_string(t - 1);
}

namespace {

/// The first time of anything recorded (the origin of the trace).
std::int64_t first_time(const TraceEvents& e) {
  std::int64_t t = std::numeric_limits<std::int64_t>::max();
  if (!e.submitted.empty()) t = std::min(t, e.submitted.front().time);
  if (!e.ready.empty()) t = std::min(t, e.ready.front().time);
  if (!e.started.empty()) t = std::min(t, e.started.front().time);
  if (!e.ended.empty()) t = std::min(t, e.ended.front().time);
  if (!e.transfers.empty()) t = std::min(t, e.transfers.front().begin);
  if (!e.activities.empty()) t = std::min(t, e.activities.front().time);
  return t == std::numeric_limits<std::int64_t>::max() ? e.run_ended : t;
}

/// The values of a counter changed by +/- deltas at times: one point per change.
std::vector<CounterPoint> accumulate(std::vector<CounterPoint> deltas) {
  std::stable_sort(deltas.begin(), deltas.end(),
                   [](const CounterPoint& a, const CounterPoint& b) { return a.time < b.time; });
  std::vector<CounterPoint> points;
  std::int64_t value = 0;
  for (const CounterPoint& d : deltas) {
    value += d.value;
    if (!points.empty() && points.back().time == d.time) points.back().value = value;
    else points.push_back({d.time, value});
  }
  return points;
}

void add_nodes(TraceModel& m, const TraceEvents& e) {
  std::set<int> ids{0};
  for (const StartRecord& s : e.started) ids.insert(s.node);
  for (const DataTransferred& t : e.transfers) {
    ids.insert(t.from);
    ids.insert(t.to);
  }
  for (int id : ids) {
    TraceNode n;
    n.id = id;
    auto name = e.node_names.find(id);
    if (name != e.node_names.end() && !name->second.empty()) n.name = name->second;
    else n.name = id == 0 ? "master" : "worker " + std::to_string(id);
    if (auto c = e.clocks.find(id); c != e.clocks.end()) {
      n.clock_known = true;
      n.clock_offset = c->second.offset;
      n.clock_error = c->second.error_bound;
    }
    m.nodes.push_back(n);
  }
}

void add_tasks(TraceModel& m, const TraceEvents& e) {
  std::uint64_t max_id = 0;
  for (const SubmitRecord& s : e.submitted) max_id = std::max(max_id, s.task_id);
  m.task_type.assign(max_id + 1, 0);
  for (const SubmitRecord& s : e.submitted) {
    m.task_type[s.task_id] = s.type;
    m.submitted.push_back(s.task_id);
  }

  // Pair each attempt's start with its end.
  std::map<std::pair<std::uint64_t, unsigned>, const TaskEnded*> ends;
  for (const TaskEnded& x : e.ended) ends[{x.task_id, x.attempt}] = &x;
  std::vector<std::vector<TaskSpan*>> by_node(m.nodes.size());
  std::vector<std::vector<Interval>> intervals(m.nodes.size());
  m.tasks.reserve(e.started.size());
  for (const StartRecord& s : e.started) {
    TaskSpan span;
    span.task_id = s.task_id;
    span.attempt = s.attempt;
    span.type = s.task_id < m.task_type.size() ? m.task_type[s.task_id] : 0;
    span.node = m.node_index(s.node);
    span.begin = s.time - m.origin;
    if (auto it = ends.find({s.task_id, s.attempt}); it != ends.end()) {
      span.end = std::max(span.begin, it->second->time - m.origin);
      span.outcome = it->second->outcome;
    } else {
      span.end = std::max(span.begin, m.duration);
      span.unfinished = true;
    }
    m.tasks.push_back(span);
  }
  std::stable_sort(m.tasks.begin(), m.tasks.end(), [](const TaskSpan& a, const TaskSpan& b) { return a.begin < b.begin; });
  std::unordered_map<std::uint64_t, unsigned> slot_of;  // (task, attempt) -> master slot
  for (const StartRecord& s : e.started) {
    if (s.node == 0) slot_of[s.task_id * 64 + (s.attempt % 64)] = s.slot;
  }
  for (TaskSpan& s : m.tasks) {
    by_node[s.node].push_back(&s);
    int want = 0;
    if (m.nodes[s.node].id == 0) {
      auto it = slot_of.find(s.task_id * 64 + (s.attempt % 64));
      want = it != slot_of.end() ? static_cast<int>(it->second) : 0;
    }
    intervals[s.node].push_back({s.begin, s.end, want});
  }
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    const std::vector<int> lanes = lay_on_lanes(intervals[n]);
    int count = 0;
    for (std::size_t k = 0; k < lanes.size(); ++k) {
      by_node[n][k]->thread = lanes[k] + 2;
      count = std::max(count, lanes[k] + 1);
    }
    m.nodes[n].threads = 1 + count;
  }
}

void add_activities(TraceModel& m, const TraceEvents& e) {
  // The outermost begin..end of each kind (waits may nest).
  std::map<Activity, std::pair<int, std::int64_t>> open;  // kind -> {depth, outermost begin}
  for (const RuntimeActivity& a : e.activities) {
    auto& [depth, begin] = open[a.kind];
    if (a.begin) {
      if (depth++ == 0) begin = a.time - m.origin;
    } else if (depth > 0 && --depth == 0) {
      m.activities.push_back({a.kind, begin, a.time - m.origin});
    }
  }
  std::stable_sort(m.activities.begin(), m.activities.end(),
                   [](const ActivitySpan& a, const ActivitySpan& b) { return a.begin < b.begin; });
}

void add_counters(TraceModel& m, const TraceEvents& e) {
  std::vector<CounterPoint> ready;
  std::unordered_set<std::uint64_t> waiting;  // ready, not started or ended yet
  struct Change {
    std::int64_t time;
    std::uint64_t task;
    bool ready;
  };
  std::vector<Change> changes;
  for (const TaskReady& r : e.ready) changes.push_back({r.time, r.task_id, true});
  for (const StartRecord& s : e.started) changes.push_back({s.time, s.task_id, false});
  for (const TaskEnded& x : e.ended) changes.push_back({x.time, x.task_id, false});
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.time < b.time; });
  for (const Change& c : changes) {
    if (c.ready && waiting.insert(c.task).second) ready.push_back({c.time - m.origin, 1});
    if (!c.ready && waiting.erase(c.task) > 0) ready.push_back({c.time - m.origin, -1});
  }
  m.ready_tasks = accumulate(std::move(ready));

  std::vector<CounterPoint> bytes;
  for (const DataTransferred& t : e.transfers) {
    m.transfers.push_back({t.data_id, t.version, t.bytes, m.node_index(t.from), m.node_index(t.to),
                           t.begin - m.origin, std::max(t.begin, t.end) - m.origin});
    bytes.push_back({t.begin - m.origin, static_cast<std::int64_t>(t.bytes)});
    bytes.push_back({std::max(t.begin, t.end) - m.origin, -static_cast<std::int64_t>(t.bytes)});
  }
  m.bytes_in_flight = accumulate(std::move(bytes));
}

}  // namespace

TraceModel build_trace_model(TraceEvents e) {
  TraceModel m;
  m.origin = first_time(e);
  m.type_names = std::move(e.type_names);
  m.dropped = e.dropped;
  // The trace ends with its last event; the run's end (after the backend's shutdown) only
  // when nothing else was recorded.
  std::int64_t last = m.origin;
  if (!e.ended.empty()) last = std::max(last, e.ended.back().time);
  if (!e.started.empty()) last = std::max(last, e.started.back().time);
  if (!e.ready.empty()) last = std::max(last, e.ready.back().time);
  if (!e.submitted.empty()) last = std::max(last, e.submitted.back().time);
  for (const DataTransferred& t : e.transfers) last = std::max(last, t.end);
  for (const RuntimeActivity& a : e.activities) last = std::max(last, a.time);
  if (last == m.origin && e.run_ended > last) last = e.run_ended;
  m.duration = std::max<std::int64_t>(1, last - m.origin);
  add_nodes(m, e);
  add_tasks(m, e);
  add_activities(m, e);
  add_counters(m, e);
  for (std::size_t i = 0; i < e.dependency_of.size(); ++i) {
    const Dependency& d = e.dependency_of[i];
    m.dependencies.push_back({d.task_id, e.dependency_task[i], d.data_id, d.version});
  }
  return m;
}

}  // namespace compss::rt::observe
