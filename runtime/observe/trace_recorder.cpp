#include "observe/trace_recorder.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>
#include <unordered_map>

namespace compss::rt::observe {

namespace {

/// What a record holds (TraceRecord's fields, by kind):
enum class Kind : std::uint8_t {
  submitted,      // a task, b its type (flag 0: a TaskSpec*; 1: an index into named_types_), time,
                  // small 1: a submission_begun record follows its dependencies
  dependency,     // after its task's submitted: a the task waited for, b datum, time its version
  submission_begun,  // after them: time the program's submission and its analysis began
  ready,          // a task, time
  placed,         // a task, b node, u32 computing units, time
  started,        // a task, u32 attempt, b node << 32 | slot, time
  ended,          // a task, u32 attempt, small outcome, flag will_retry, time
  activity,       // small kind, flag begin, time
  transfer,       // a datum, b version, u32 from, time begin; then transfer_end
  transfer_end,   // a bytes, u32 to, time end
  node_work,      // u32 node, small kind, flag outcome, a task, b bytes, time begin; then node_work_end
  node_work_end,  // u32 thread, a attempt, time end
};

TraceRecord record(Kind kind, std::uint64_t a, std::int64_t time) {
  return TraceRecord{static_cast<std::uint8_t>(kind), 0, 0, 0, a, 0, time};
}

std::atomic<std::uint64_t> next_serial{1};

/// The log of the recorder this thread last told an event (by the recorder's serial).
struct CachedLog {
  std::uint64_t serial = 0;
  void* log = nullptr;
};
// (initial-exec: a plain load, not a call to __tls_get_addr per event; libcompss is loaded
// with the program, never dlopen()ed.)
[[gnu::tls_model("initial-exec")]] thread_local CachedLog cached_log;

}  // namespace

struct TraceRecorder::ThreadLog {
  explicit ThreadLog(RecordBudget& budget, std::thread::id id) : thread(id), records(budget) {}
  std::thread::id thread;
  TraceBuffer records;
  std::vector<std::string> node_names;  // by node number: the name its first attempt told (or empty)
};

TraceRecorder::TraceRecorder(std::uint64_t max_records)
    : serial_(next_serial.fetch_add(1, std::memory_order_relaxed)), budget_(max_records) {}

TraceRecorder::~TraceRecorder() = default;

TraceRecorder::ThreadLog& TraceRecorder::log() {
  if (cached_log.serial == serial_) return *static_cast<ThreadLog*>(cached_log.log);
  return attach();
}

TraceRecorder::ThreadLog& TraceRecorder::attach() {
  const std::thread::id self = std::this_thread::get_id();
  std::lock_guard lock(buffers_mutex_);
  ThreadLog* found = nullptr;
  for (auto& l : logs_) {
    if (l->thread == self) found = l.get();  // (an id is reused only once its thread ended)
  }
  if (found == nullptr) found = logs_.emplace_back(std::make_unique<ThreadLog>(budget_, self)).get();
  cached_log = {serial_, found};
  return *found;
}

std::uint32_t TraceRecorder::intern_type(std::string_view name, const detail::TaskSpec* spec) {
  std::lock_guard lock(types_mutex_);
  for (std::size_t i = 0; i < named_types_.size(); ++i) {
    if (named_types_[i].first == name) return static_cast<std::uint32_t>(i);
  }
  named_types_.emplace_back(std::string(name), spec);
  return static_cast<std::uint32_t>(named_types_.size() - 1);
}

void TraceRecorder::on_submitted(const TaskSubmitted& e) {
  ThreadLog& l = log();
  const auto deps = static_cast<std::uint32_t>(e.dependencies.size());
  // The runtime names a task by its spec's own name: the spec says it all, resolved at the
  // end. Anything else (a name without a spec) is interned now, before reserving: interning
  // can throw, and reserved records left unfilled would read as a submit with no spec.
  const bool by_spec = e.spec != nullptr && e.name.data() == e.spec->name;
  const std::uint64_t type = by_spec ? reinterpret_cast<std::uintptr_t>(e.spec) : intern_type(e.name, e.spec);
  const std::uint32_t begun = e.submission_begin != 0 ? 1 : 0;
  TraceRecord* r = l.records.reserve(1 + deps + begun);
  if (r == nullptr) return;
  r[0] = record(Kind::submitted, e.task_id, e.time);
  r[0].flag = by_spec ? 0 : 1;
  r[0].small = static_cast<std::uint8_t>(begun);
  r[0].b = type;
  if (begun != 0) r[1 + deps] = record(Kind::submission_begun, 0, e.submission_begin);
  for (std::uint32_t i = 0; i < deps; ++i) {
    const Dependency& d = e.dependencies[i];
    r[1 + i] = record(Kind::dependency, d.task_id, static_cast<std::int64_t>(d.version));
    r[1 + i].b = d.data_id;
  }
}

void TraceRecorder::on_ready(const TaskReady& e) {
  if (TraceRecord* r = log().records.reserve(1)) *r = record(Kind::ready, e.task_id, e.time);
}

void TraceRecorder::on_placed(const TaskPlaced& e) {
  if (TraceRecord* r = log().records.reserve(1)) {
    *r = record(Kind::placed, e.task_id, e.time);
    r->b = static_cast<std::uint32_t>(e.node);
    r->u32 = e.computing_units;
  }
}

void TraceRecorder::on_started(const TaskStarted& e) {
  ThreadLog& l = log();
  TraceRecord* r = l.records.reserve(1);
  if (r == nullptr) return;
  *r = record(Kind::started, e.task_id, e.time);
  r->u32 = e.attempt;
  r->b = std::uint64_t{static_cast<std::uint32_t>(e.where.node)} << 32 | e.where.slot;
  // A node's name is copied the first time this thread sees the node.
  const auto node = static_cast<std::size_t>(e.where.node);
  if (e.where.node >= 0 && !e.where.node_name.empty() &&
      (node >= l.node_names.size() || l.node_names[node].empty())) {
    try {
      if (node >= l.node_names.size()) l.node_names.resize(node + 1);
      l.node_names[node] = e.where.node_name;
    } catch (...) {  // (out of memory: the node keeps its default name)
    }
  }
}

void TraceRecorder::on_ended(const TaskEnded& e) {
  if (TraceRecord* r = log().records.reserve(1)) {
    *r = record(Kind::ended, e.task_id, e.time);
    r->u32 = e.attempt;
    r->small = static_cast<std::uint8_t>(e.outcome);
    r->flag = e.will_retry ? 1 : 0;
  }
}

void TraceRecorder::on_transfer(const DataTransferred& e) {
  if (TraceRecord* r = log().records.reserve(2)) {
    r[0] = record(Kind::transfer, e.data_id, e.begin);
    r[0].b = e.version;
    r[0].u32 = static_cast<std::uint32_t>(e.from);
    r[1] = record(Kind::transfer_end, e.bytes, e.end);
    r[1].u32 = static_cast<std::uint32_t>(e.to);
  }
}

void TraceRecorder::on_activity(const RuntimeActivity& e) {
  // A submission's begin and its analysis come with its submitted event (submission_begin),
  // also when another observer has them told as activities.
  if ((e.kind == Activity::submission && e.begin) || e.kind == Activity::dependency_analysis) return;
  if (TraceRecord* r = log().records.reserve(1)) {
    *r = record(Kind::activity, 0, e.time);
    r->small = static_cast<std::uint8_t>(e.kind);
    r->flag = e.begin ? 1 : 0;
  }
}

void TraceRecorder::on_node_activity(const NodeActivity& e) {
  if (TraceRecord* r = log().records.reserve(2)) {
    r[0] = record(Kind::node_work, e.task_id, e.begin);
    r[0].u32 = static_cast<std::uint32_t>(e.node);
    r[0].small = static_cast<std::uint8_t>(e.kind);
    r[0].flag = static_cast<std::uint16_t>(e.outcome);
    r[0].b = e.bytes;
    r[1] = record(Kind::node_work_end, e.attempt, e.end);
    r[1].u32 = e.thread;
  }
}

void TraceRecorder::on_clock(const NodeClock& e) {
  std::lock_guard lock(clocks_mutex_);
  clocks_[e.node] = e;
}

void TraceRecorder::on_run_ended(const RunEnded& e) { run_ended_.store(e.time, std::memory_order_relaxed); }

namespace {
template <class T, class Time>
void sort_by(std::vector<T>& v, Time time) {
  std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) { return time(a) < time(b); });
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

  std::lock_guard lock(buffers_mutex_);
  for (auto& l : logs_) {
    std::uint64_t waiting = 0;  // the task of the last submitted record (its dependencies follow)
    TraceRecord first{};        // the first record of a two-record event
    l->records.for_each([&](const TraceRecord& r) {
      switch (static_cast<Kind>(r.kind)) {
        case Kind::submitted:
          waiting = r.a;
          out.submitted.push_back({r.a, type_of_record(r), r.time});
          break;
        case Kind::submission_begun: {  // (what the runtime tells other observers as three activities)
          const EventTime analysed = out.submitted.back().time;
          out.activities.push_back({Activity::submission, true, r.time});
          out.activities.push_back({Activity::dependency_analysis, true, r.time});
          out.activities.push_back({Activity::dependency_analysis, false, analysed});
          break;
        }
        case Kind::dependency:
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
        case Kind::activity:
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
    out.dropped += l->records.dropped();
    for (std::size_t node = 0; node < l->node_names.size(); ++node) {
      if (!l->node_names[node].empty()) out.node_names.try_emplace(static_cast<int>(node), l->node_names[node]);
    }
    l->records.clear();
    l->node_names.clear();
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
  return out;
}

std::uint64_t TraceRecorder::memory_bytes() {
  std::lock_guard lock(buffers_mutex_);
  std::uint64_t bytes = 0;
  for (const auto& l : logs_) bytes += l->records.bytes();
  return bytes;
}

}  // namespace compss::rt::observe
