#include "observe/trace_model.hpp"

#include "sched/constraints.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>
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
  if (n.id == 0) return n.name + " executor " + std::to_string(t - 1);
  if (t - 1 <= n.task_threads) return n.name + " thread " + std::to_string(t - 1);
  return n.name + " lane " + std::to_string(t - 1 - n.task_threads);
}

namespace {

/// The first time of anything recorded (the origin of the trace).
std::int64_t first_time(const TraceEvents& e) {
  std::int64_t t = std::numeric_limits<std::int64_t>::max();
  if (!e.submitted.empty()) t = std::min(t, e.submitted.front().time);
  if (!e.ready.empty()) t = std::min(t, e.ready.front().time);
  if (!e.placed.empty()) t = std::min(t, e.placed.front().time);
  if (!e.started.empty()) t = std::min(t, e.started.front().time);
  if (!e.ended.empty()) t = std::min(t, e.ended.front().time);
  if (!e.transfers.empty()) t = std::min(t, e.transfers.front().begin);
  if (!e.activities.empty()) t = std::min(t, e.activities.front().time);
  if (!e.node_activities.empty()) t = std::min(t, e.node_activities.front().begin);
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
  for (const NodeActivity& a : e.node_activities) ids.insert(a.node);
  for (const TaskPlaced& p : e.placed) ids.insert(p.node);
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
      n.clock_probes = c->second.probes;
      n.events_dropped = c->second.events_dropped;
    }
    m.nodes.push_back(n);
  }
}

/// The key of an attempt on a node.
std::uint64_t attempt_key(std::uint64_t task, unsigned attempt) { return task * 64 + (attempt % 64); }

/// Makes the spans of each thread sequential: sorted by begin, each begins no earlier than
/// the one before it ended (workers' times converted with offsets learnt at different
/// moments may overlap by their error).
void make_sequential(TraceModel& m) {
  struct Ref {
    std::int64_t* begin;
    std::int64_t* end;
    int order;  // on a tie: task inputs, then the task, then what follows it
  };
  std::map<std::pair<int, int>, std::vector<Ref>> threads;
  for (TaskSpan& s : m.tasks) {
    if (m.nodes[s.node].id != 0) threads[{s.node, s.thread}].push_back({&s.begin, &s.end, 1});
  }
  for (WorkSpan& w : m.work) {
    threads[{w.node, w.thread}].push_back({&w.begin, &w.end, w.kind == NodeWork::inputs ? 0 : 2});
  }
  for (auto& [where, refs] : threads) {
    std::stable_sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
      return *a.begin != *b.begin ? *a.begin < *b.begin : a.order < b.order;
    });
    std::int64_t busy_until = std::numeric_limits<std::int64_t>::min();
    for (const Ref& r : refs) {
      *r.begin = std::max(*r.begin, busy_until);
      *r.end = std::max(*r.end, *r.begin);
      busy_until = *r.end;
    }
  }
}

void add_tasks(TraceModel& m, const TraceEvents& e) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> types;
  types.reserve(e.submitted.size());
  m.submitted.reserve(e.submitted.size());
  for (const SubmitRecord& s : e.submitted) {
    types.emplace_back(s.task_id, s.type);
    m.submitted.push_back(s.task_id);
  }
  m.task_type = TaskTypes(std::move(types));

  // What workers told of their own threads: the attempts they ran, and their other work.
  std::vector<std::unordered_map<std::uint64_t, const NodeActivity*>> told(m.nodes.size());
  for (const NodeActivity& a : e.node_activities) {
    const int node = m.node_index(a.node);
    ++m.nodes[node].events_told;
    const int thread = static_cast<int>(a.thread) + 1;
    if (a.kind != NodeWork::serve) m.nodes[node].task_threads = std::max(m.nodes[node].task_threads, thread - 1);
    if (a.kind == NodeWork::task) {
      told[node][attempt_key(a.task_id, a.attempt)] = &a;
    } else {
      m.work.push_back({a.kind, node, thread, a.task_id, a.bytes, a.begin - m.origin, std::max(a.begin, a.end) - m.origin});
    }
  }

  // Pair each attempt's start with its end.
  std::map<std::pair<std::uint64_t, unsigned>, const TaskEnded*> ends;
  for (const TaskEnded& x : e.ended) ends[{x.task_id, x.attempt}] = &x;
  m.tasks.reserve(e.started.size());
  for (const StartRecord& s : e.started) {
    TaskSpan span;
    span.task_id = s.task_id;
    span.attempt = s.attempt;
    span.type = m.task_type.of(s.task_id);
    span.node = m.node_index(s.node);
    span.begin = s.time - m.origin;
    if (auto it = ends.find({s.task_id, s.attempt}); it != ends.end()) {
      span.end = std::max(span.begin, it->second->time - m.origin);
      span.outcome = it->second->outcome;
    } else {
      span.end = std::max(span.begin, m.duration);
      span.unfinished = true;
    }
    // The worker's own word on where and when it ran (its outcome stays the master's: a
    // body that returned may still fail when its outputs reach the master).
    if (auto it = told[span.node].find(attempt_key(s.task_id, s.attempt)); it != told[span.node].end()) {
      span.thread = static_cast<int>(it->second->thread) + 1;
      span.begin = it->second->begin - m.origin;
      span.end = std::max(it->second->begin, it->second->end) - m.origin;
      span.unfinished = false;
    }
    m.tasks.push_back(span);
  }
  std::stable_sort(m.tasks.begin(), m.tasks.end(), [](const TaskSpan& a, const TaskSpan& b) { return a.begin < b.begin; });
  std::unordered_map<std::uint64_t, unsigned> slot_of;  // (task, attempt) -> master slot
  for (const StartRecord& s : e.started) {
    if (s.node == 0) slot_of[attempt_key(s.task_id, s.attempt)] = s.slot;
  }
  // Attempts without a thread of their own on lanes, after the node's task threads.
  std::vector<std::vector<TaskSpan*>> by_node(m.nodes.size());
  std::vector<std::vector<Interval>> intervals(m.nodes.size());
  for (TaskSpan& s : m.tasks) {
    if (s.thread != 0) continue;
    by_node[s.node].push_back(&s);
    int want = 0;
    if (m.nodes[s.node].id == 0) {
      auto it = slot_of.find(attempt_key(s.task_id, s.attempt));
      want = it != slot_of.end() ? static_cast<int>(it->second) : 0;
    }
    intervals[s.node].push_back({s.begin, s.end, want});
  }
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    const int first = 2 + m.nodes[n].task_threads;
    const std::vector<int> lanes = lay_on_lanes(intervals[n]);
    int count = 0;
    for (std::size_t k = 0; k < lanes.size(); ++k) {
      by_node[n][k]->thread = lanes[k] + first;
      count = std::max(count, lanes[k] + 1);
    }
    m.nodes[n].threads = 1 + m.nodes[n].task_threads + count;
  }
  make_sequential(m);
  std::stable_sort(m.tasks.begin(), m.tasks.end(), [](const TaskSpan& a, const TaskSpan& b) { return a.begin < b.begin; });
  std::stable_sort(m.work.begin(), m.work.end(), [](const WorkSpan& a, const WorkSpan& b) { return a.begin < b.begin; });
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

/// What a task type asks of a node, from its constraints (as the scheduler reads them;
/// malformed ones, which fail the run anyway, ask the default).
ResourceRequest request_of(const detail::TaskSpec* spec) {
  ResourceRequest r;
  if (spec == nullptr || spec->constraint_count == 0) return r;
  try {
    const sched::Constraints c = sched::parse_constraints(spec->name, spec->constraints, spec->constraint_count);
    r.cpus = c.demand.cpus();
    r.gpus = c.demand.gpus();
    r.memory_mb = c.demand.memory_mb;
  } catch (const std::exception&) {
  }
  return r;
}

/// Each decision's wait (SchedulerWait): events in time order; a task's "could run" time is
/// its ready, then the end of each attempt a retry followed. Decisions are placements for
/// tasks the scheduler placed, starts for the others.
void add_scheduler_waits(TraceModel& m, const TraceEvents& e) {
  std::unordered_set<std::uint64_t> placed;
  for (const TaskPlaced& p : e.placed) placed.insert(p.task_id);
  struct Change {
    EventTime time;
    int order;  // at one time: could-run changes before decisions
    std::uint64_t task;
    bool decision, by_placement;
  };
  std::vector<Change> changes;
  for (const TaskReady& r : e.ready) changes.push_back({r.time, 0, r.task_id, false, false});
  for (const TaskEnded& x : e.ended)
    if (x.will_retry) changes.push_back({x.time, 0, x.task_id, false, false});
  for (const TaskPlaced& p : e.placed) changes.push_back({p.time, 1, p.task_id, true, true});
  for (const StartRecord& s : e.started)
    if (!placed.count(s.task_id)) changes.push_back({s.time, 1, s.task_id, true, false});
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return std::tie(a.time, a.order) < std::tie(b.time, b.order); });
  std::unordered_map<std::uint64_t, EventTime> since;
  for (const Change& c : changes) {
    if (!c.decision) {
      since[c.task] = c.time;
      continue;
    }
    auto it = since.find(c.task);
    if (it == since.end()) continue;  // (its ready was not recorded)
    m.scheduler_waits.push_back({c.task, c.by_placement, it->second - m.origin, c.time - m.origin});
  }
}

}  // namespace

TaskTypes::TaskTypes(std::vector<std::pair<std::uint64_t, std::uint32_t>> by_id) : by_id_(std::move(by_id)) {
  std::stable_sort(by_id_.begin(), by_id_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // (One per id, its last: as a later submitted record would have overwritten it.)
  std::size_t kept = 0;
  for (std::size_t i = 0; i < by_id_.size(); ++i) {
    if (i + 1 < by_id_.size() && by_id_[i + 1].first == by_id_[i].first) continue;
    by_id_[kept++] = by_id_[i];
  }
  by_id_.resize(kept);
}

std::uint32_t TaskTypes::of(std::uint64_t id) const noexcept {
  auto it = std::lower_bound(by_id_.begin(), by_id_.end(), id,
                             [](const std::pair<std::uint64_t, std::uint32_t>& a, std::uint64_t x) { return a.first < x; });
  return it != by_id_.end() && it->first == id ? it->second : 0;
}

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
  if (!e.placed.empty()) last = std::max(last, e.placed.back().time);
  if (!e.submitted.empty()) last = std::max(last, e.submitted.back().time);
  for (const DataTransferred& t : e.transfers) last = std::max(last, t.end);
  for (const RuntimeActivity& a : e.activities) last = std::max(last, a.time);
  for (const NodeActivity& a : e.node_activities) last = std::max(last, a.end);
  if (last == m.origin && e.run_ended > last) last = e.run_ended;
  m.duration = std::max<std::int64_t>(1, last - m.origin);
  add_nodes(m, e);
  for (const TraceNode& n : m.nodes) m.dropped += n.events_dropped;
  add_tasks(m, e);
  // (Spans a worker told may have moved a little later: the trace ends after the last.)
  for (const TaskSpan& t : m.tasks) m.duration = std::max(m.duration, t.end);
  for (const WorkSpan& w : m.work) m.duration = std::max(m.duration, w.end);
  add_activities(m, e);
  add_counters(m, e);
  for (const TaskPlaced& p : e.placed) {
    m.placements.push_back({p.task_id, m.node_index(p.node), p.computing_units, p.time - m.origin});
  }
  add_scheduler_waits(m, e);
  for (const detail::TaskSpec* spec : e.type_specs) m.type_requests.push_back(request_of(spec));
  for (std::size_t i = 0; i < e.dependency_of.size(); ++i) {
    const Dependency& d = e.dependency_of[i];
    m.dependencies.push_back({d.task_id, e.dependency_task[i], d.data_id, d.version});
  }
  return m;
}

}  // namespace compss::rt::observe
