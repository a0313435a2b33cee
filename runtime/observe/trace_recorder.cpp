#include "observe/trace_recorder.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <thread>
#include <unordered_map>

namespace compss::rt::observe {

namespace {
using Kind = RecordKind;
}  // namespace

TraceRecorder::TraceRecorder(std::uint64_t max_records, bool counter_stamps)
    : records_(max_records, counter_stamps) {}

TraceRecorder::~TraceRecorder() = default;

std::uint32_t TraceRecorder::intern_type(std::string_view name, const detail::TaskSpec* spec) {
  std::lock_guard lock(types_mutex_);
  for (std::size_t i = 0; i < named_types_.size(); ++i) {
    if (named_types_[i].first == name) return static_cast<std::uint32_t>(i);
  }
  named_types_.emplace_back(std::string(name), spec);
  return static_cast<std::uint32_t>(named_types_.size() - 1);
}

// (The runtime writes submitted, ready, started, ended and a submission's end into
// records_ itself while this is its direct recorder; these are for events told otherwise.)
void TraceRecorder::on_submitted(const TaskSubmitted& e) {
  // The runtime names a task by its spec's own name: the spec says it all, resolved at the
  // end. Anything else (a name without a spec) is interned now, before reserving: interning
  // can throw, and reserved records left unfilled would read as a submit with no spec.
  const bool by_spec = e.spec != nullptr && e.name.data() == e.spec->name;
  const std::uint64_t type = by_spec ? reinterpret_cast<std::uintptr_t>(e.spec) : intern_type(e.name, e.spec);
  records_.submitted(e.task_id, type, by_spec, e.dependencies, e.submission_begin, e.time, false);
}

void TraceRecorder::on_ready(const TaskReady& e) { records_.ready(e.task_id, e.time, false); }

void TraceRecorder::on_placed(const TaskPlaced& e) {
  if (TraceRecord* r = records_.reserve(1)) {
    *r = TraceRecords::record(Kind::placed, false, e.task_id, e.time);
    r->b = static_cast<std::uint32_t>(e.node);
    r->u32 = e.computing_units;
  }
}

void TraceRecorder::on_started(const TaskStarted& e) {
  records_.started(e.task_id, e.attempt, e.where, e.time, false);
}

void TraceRecorder::on_ended(const TaskEnded& e) {
  records_.ended(e.task_id, e.attempt, e.outcome, e.will_retry, e.time, false);
}

void TraceRecorder::on_transfer(const DataTransferred& e) {
  if (TraceRecord* r = records_.reserve(2)) {
    r[0] = TraceRecords::record(Kind::transfer, false, e.data_id, e.begin);
    r[0].b = e.version;
    r[0].u32 = static_cast<std::uint32_t>(e.from);
    r[1] = TraceRecords::record(Kind::transfer_end, false, e.bytes, e.end);
    r[1].u32 = static_cast<std::uint32_t>(e.to);
  }
}

void TraceRecorder::on_activity(const RuntimeActivity& e) {
  // A submission's begin and its analysis come with its submitted event (submission_begin),
  // also when another observer has them told as activities.
  if ((e.kind == Activity::submission && e.begin) || e.kind == Activity::dependency_analysis) return;
  records_.activity(e.kind, e.begin, e.time, false);
}

void TraceRecorder::on_node_activity(const NodeActivity& e) {
  if (TraceRecord* r = records_.reserve(2)) {
    r[0] = TraceRecords::record(Kind::node_work, false, e.task_id, e.begin);
    r[0].u32 = static_cast<std::uint32_t>(e.node);
    r[0].small = static_cast<std::uint8_t>(e.kind);
    r[0].flag = static_cast<std::uint16_t>(e.outcome);
    r[0].b = e.bytes;
    r[1] = TraceRecords::record(Kind::node_work_end, false, e.attempt, e.end);
    r[1].u32 = e.thread;
  }
}

void TraceRecorder::on_clock(const NodeClock& e) {
  std::lock_guard lock(clocks_mutex_);
  clocks_[e.node] = e;
}

void TraceRecorder::on_run_ended(const RunEnded& e) { run_ended_.store(e.time, std::memory_order_relaxed); }

namespace {
/// Adds the ready of each task of `out.submitted[derive]` (submitted_ready_derived, a local
/// run): the latest of its submitted time and its predecessors' last ends, when its
/// dependencies were all met (the runtime's own ready time is read a little later: the
/// bookkeeping of the finish() that made it ready). A task with a predecessor whose final
/// end was not recorded (dropped, or it never ended) gets none: an attempt that will be
/// retried does not count (a later attempt's record may be the dropped one).
void add_derived_ready(TraceEvents& out, const std::vector<std::size_t>& derive);

/// A submission begun at `begin`, analysed by `analysed`: the three activities the runtime
/// tells other observers (its end comes apart).
void add_submission(std::vector<RuntimeActivity>& out, EventTime begin, EventTime analysed) {
  out.push_back({Activity::submission, true, begin});
  out.push_back({Activity::dependency_analysis, true, begin});
  out.push_back({Activity::dependency_analysis, false, analysed});
}

template <class T, class Time>
void sort_by(std::vector<T>& v, Time time) {
  std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) { return time(a) < time(b); });
}
}  // namespace

namespace {
void add_derived_ready(TraceEvents& out, const std::vector<std::size_t>& derive) {
  if (derive.empty()) return;
  std::unordered_map<std::uint64_t, EventTime> last_end;  // by task: its final attempt's end
  for (const TaskEnded& e : out.ended) {
    if (e.will_retry) continue;
    auto [it, added] = last_end.try_emplace(e.task_id, e.time);
    if (!added) it->second = std::max(it->second, e.time);
  }
  constexpr EventTime unknown = INT64_MIN;  // (a predecessor without an end: not derived)
  std::unordered_map<std::uint64_t, EventTime> ready;  // by task: the latest of its predecessors' ends
  for (const std::size_t i : derive) ready.try_emplace(out.submitted[i].task_id, out.submitted[i].time);
  for (std::size_t i = 0; i < out.dependency_task.size(); ++i) {
    auto it = ready.find(out.dependency_task[i]);
    if (it == ready.end() || it->second == unknown) continue;
    auto end = last_end.find(out.dependency_of[i].task_id);
    it->second = end == last_end.end() ? unknown : std::max(it->second, end->second);
  }
  for (const std::size_t i : derive) {
    const std::uint64_t task = out.submitted[i].task_id;
    const EventTime time = ready.at(task);
    if (time != unknown) out.ready.push_back({task, time});
  }
}
}  // namespace

TraceEvents TraceRecorder::take() {
  TraceEvents out;
  // Task types are numbered by name, in the order they first appear.
  std::unordered_map<std::string, std::uint32_t> type_index;
  auto type_of = [&](std::string_view name, const detail::TaskSpec* spec) {
    auto [it, added] = type_index.try_emplace(std::string(name), static_cast<std::uint32_t>(out.type_names.size()));
    if (added) {
      out.type_names.emplace_back(name);
      out.type_specs.push_back(spec);
    }
    return it->second;
  };
  std::unordered_map<const detail::TaskSpec*, std::uint32_t> spec_type;
  std::vector<std::pair<std::string, const detail::TaskSpec*>> named;
  {
    std::lock_guard lock(types_mutex_);
    named.swap(named_types_);
  }
  std::vector<std::uint32_t> named_type(named.size(), UINT32_MAX);
  auto type_of_record = [&](const TraceRecord& r) -> std::uint32_t {
    if (r.flag != 0) {
      std::uint32_t& t = named_type.at(r.b);
      if (t == UINT32_MAX) t = type_of(named[r.b].first, named[r.b].second);
      return t;
    }
    const auto* spec = reinterpret_cast<const detail::TaskSpec*>(static_cast<std::uintptr_t>(r.b));
    auto [it, added] = spec_type.try_emplace(spec, 0);
    if (added) it->second = type_of(spec->name, spec);
    return it->second;
  };

  std::vector<std::size_t> derive_ready;  // indices in out.submitted of tasks whose ready is derived
  constexpr std::size_t npos = SIZE_MAX;
  std::vector<std::size_t> ends_lost;     // indices in out.activities of submissions' begins without an end
  records_.drain([&](TraceRecords::ThreadLog& l, const TscToTime& to_time) {
    std::uint64_t waiting = 0;  // the task of the last submitted record (its dependencies follow)
    bool withdrawn = false;     // the last submission was withdrawn: its dependencies are skipped
    TraceRecord first{};        // the first record of a two-record event
    // The index in out.activities of the begin of this thread's last submission whose end
    // is not in its record (npos: none): its end, an activity record of its own, follows
    // before the thread's next submission. One the budget refused never does: its begin is
    // dropped (no output shows that submission's span; kept, it would leave every later
    // submission nested in it, never closed).
    std::size_t unended = npos;
    const auto leave_unended = [&] {
      if (unended != npos) ends_lost.push_back(unended);
      unended = npos;
    };
    // After add_submission: the submission's end written into record `a`'s upper half (an
    // offset + 1 from the record's raw time `raw`), else its begin waits for its end apart.
    const auto end_or_unended = [&](std::uint64_t a, EventTime raw, bool stamped) {
      if (const std::uint64_t after = a >> 32; after != 0) {
        const EventTime end = raw + static_cast<EventTime>(after - 1);
        out.activities.push_back({Activity::submission, false, stamped ? to_time(end) : end});
      } else {
        unended = out.activities.size() - 3;
      }
    };
    l.records.for_each([&](TraceRecord r) {
      const bool stamped = (r.kind & tsc_time) != 0;
      const EventTime raw = r.time;  // (a submitted record's spans are offsets from it)
      if (stamped) {  // (a counter stamp: to the clock's time)
        r.kind &= static_cast<std::uint8_t>(~tsc_time);
        r.time = to_time(r.time);
      }
      switch (static_cast<Kind>(r.kind)) {
        case Kind::submitted: {
          const bool spans = (r.small & submitted_spans) != 0;
          const std::uint64_t task = spans ? r.a & 0xffffffffu : r.a;
          waiting = task;
          withdrawn = false;
          out.submitted.push_back({task, type_of_record(r), r.time});
          if ((r.small & submitted_ready_derived) != 0) derive_ready.push_back(out.submitted.size() - 1);
          if (spans) {  // (as a submission_begun record after it decodes)
            const EventTime begin = raw - r.u32;
            add_submission(out.activities, stamped ? to_time(begin) : begin, r.time);
            leave_unended();
            end_or_unended(r.a, raw, stamped);
          }
          break;
        }
        case Kind::withdrawn:  // (counted as dropped when it was refused; its end, when told, follows)
          withdrawn = true;
          leave_unended();
          break;
        case Kind::submission_begun: {  // (what the runtime tells other observers as three activities)
          leave_unended();
          add_submission(out.activities, r.time, out.submitted.back().time);
          end_or_unended(r.a, raw, stamped);
          break;
        }
        case Kind::dependency:
          if (withdrawn) break;
          out.dependency_of.push_back({r.a, r.b, static_cast<std::uint64_t>(r.time)});
          out.dependency_task.push_back(waiting);
          break;
        case Kind::ready: out.ready.push_back({r.a, r.time}); break;
        case Kind::placed:
          out.placed.push_back({r.a, static_cast<int>(static_cast<std::uint32_t>(r.b)), r.u32, r.time});
          break;
        case Kind::started:
          out.started.push_back({r.a, r.u32, static_cast<int>(static_cast<std::uint32_t>(r.b >> 32)),
                                 static_cast<unsigned>(r.b & 0xffffffffu), r.time});
          break;
        case Kind::ended:
          out.ended.push_back({r.a, static_cast<TaskOutcome>(r.small), r.u32, r.flag != 0, r.time});
          break;
        case Kind::ran: {  // (a started and an ended record in one)
          const auto end = static_cast<EventTime>(r.b);
          out.started.push_back({r.a, r.u32, 0, r.flag, r.time});
          out.ended.push_back({r.a, static_cast<TaskOutcome>(r.small & ~ran_will_retry), r.u32,
                               (r.small & ran_will_retry) != 0, stamped ? to_time(end) : end});
          break;
        }
        case Kind::activity:
          if (static_cast<Activity>(r.small) == Activity::submission && r.flag == 0) unended = npos;  // (its end)
          out.activities.push_back({static_cast<Activity>(r.small), r.flag != 0, r.time});
          break;
        case Kind::transfer:
        case Kind::node_work: first = r; break;
        case Kind::transfer_end:
          out.transfers.push_back({first.a, first.b, r.a, static_cast<int>(first.u32), static_cast<int>(r.u32),
                                   first.time, r.time});
          break;
        case Kind::node_work_end:
          out.node_activities.push_back({static_cast<int>(first.u32), r.u32, static_cast<NodeWork>(first.small),
                                         first.a, static_cast<unsigned>(r.a),
                                         static_cast<TaskOutcome>(first.flag), first.b, first.time, r.time});
          break;
      }
    });
    leave_unended();
    out.dropped += l.records.dropped();
    for (std::size_t node = 0; node < l.node_names.size(); ++node) {
      if (!l.node_names[node].empty()) out.node_names.try_emplace(static_cast<int>(node), l.node_names[node]);
    }
  });
  std::sort(ends_lost.begin(), ends_lost.end(), std::greater<>());  // (erased last first: the others stay put)
  for (const std::size_t i : ends_lost) out.activities.erase(out.activities.begin() + static_cast<std::ptrdiff_t>(i));
  add_derived_ready(out, derive_ready);
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
  return out;
}

std::uint64_t TraceRecorder::memory_bytes() { return records_.memory_bytes(); }

}  // namespace compss::rt::observe
