// Task events: what the runtime tells observers about each task (submitted with its
// dependencies, ready, started where it runs, ended with its outcome), about the data it
// moves between nodes, and about the program's waits. The progress line is an observer;
// traces, the task graph and the monitor (issue 14) are meant to be others.
// docs/architecture.md, "Task events".
//
// Internal for now (not under include/compss/): the allocation will name the node model's
// nodes once it exists, and the first consumers (runtime/observe/) live in the runtime.
#pragma once

#include "core/event_clock.hpp"

#include <compss/detail/task_spec.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

namespace compss::rt {

class TraceRecords;  // core/trace_records.hpp

/// One datum a task accesses: the registry's id, the version it reads (`in`) or makes
/// (a writing direction: `inout` reads the version before it), and how. A collection
/// contributes its container (read: its shape) and one entry per element.
struct DataAccess {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  detail::Direction direction = detail::Direction::in;
  /// 0, or for a collection's container and its elements the parameter's position + 1:
  /// what a task graph draws as one edge per collection (observe/task_graph.hpp).
  std::uint32_t collection = 0;
};

/// An edge of the task graph: the task waits for `task_id` because of version `version`
/// of datum `data_id` (the version that task made, read, or that the waiting task
/// replaces). Only edges to tasks unfinished at submission exist (a finished task needs
/// no waiting); an observer that draws every producer finds it from DataAccess lists.
struct Dependency {
  std::uint64_t task_id = 0;
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
};

/// A task was submitted. The spans are valid during the call only.
struct TaskSubmitted {
  std::uint64_t task_id = 0;
  std::string_view name;  ///< the task type (function name)
  /// Empty when no installed observer reads them (TaskObserver::reads_submitted_dependencies)
  /// and no trace is installed: the registry then records none.
  std::span<const Dependency> dependencies;
  std::span<const DataAccess> data;
  EventTime time = 0;
  /// The task groups it belongs to, outermost first (empty outside any group).
  std::span<const std::string_view> groups;
  /// Its task type as compss-cc declared it (constraints...: what it asks of a node);
  /// lives as long as the program. Null when not known.
  const detail::TaskSpec* spec = nullptr;
  /// When the program's thread began submitting it, which is also when its dependency
  /// analysis began; the analysis ended at `time`. 0 for a task submitted inside a task
  /// (no submission activity). An observer that reads these (reads_submission_activities()
  /// false) needs not be told those three activities one by one.
  EventTime submission_begin = 0;
};

/// Every dependency of the task ended: it may be placed now.
struct TaskReady {
  std::uint64_t task_id = 0;
  EventTime time = 0;
};

/// Where an attempt runs: node 0 is the master (in a local run, the only node); workers
/// are numbered from 1 in the order they connected. `slot` is the executor thread on the
/// master; on a worker it is unknown (0).
struct Allocation {
  int node = 0;
  std::string_view node_name;
  unsigned slot = 0;
};

/// The scheduler of a master-worker run placed a task (an attempt, or one replica) on
/// node `node`, reserving `computing_units` cores there (0: none counted). In a local run
/// placement is the start itself: not told.
struct TaskPlaced {
  std::uint64_t task_id = 0;
  int node = 0;
  unsigned computing_units = 0;
  EventTime time = 0;
  /// Its task type, as in TaskSubmitted (null when not known): an observer that wants the
  /// type of what starts needs no map from the submission.
  const detail::TaskSpec* spec = nullptr;
};

/// An attempt of a task's body began. `attempt` counts from 1.
struct TaskStarted {
  std::uint64_t task_id = 0;
  unsigned attempt = 1;
  Allocation where;
  EventTime time = 0;
  /// Its task type, as in TaskSubmitted (null when not known; see TaskPlaced::spec).
  const detail::TaskSpec* spec = nullptr;
};

enum class TaskOutcome : std::uint8_t { success, failed, cancelled, timed_out };
const char* to_string(TaskOutcome outcome) noexcept;

/// An attempt ended, or the task ended without one. With `will_retry`, another attempt
/// follows (its policy is retry); otherwise this is the task's last event. A cancelled
/// task (never started) has attempt 0.
struct TaskEnded {
  std::uint64_t task_id = 0;
  TaskOutcome outcome = TaskOutcome::success;
  unsigned attempt = 0;
  bool will_retry = false;
  EventTime time = 0;
  /// Its task type; for a failed or timed-out attempt, what went wrong (the exception's
  /// type and message, as the failure report says) and where it ran. Valid during the
  /// call only (empty when not known).
  std::string_view name;
  std::string_view error_type;
  std::string_view error_message;
  std::string_view error_where;
};

/// A worker was declared lost (it died, went silent past its time-out, or its connection
/// broke): `why` as the master printed it. Its tasks run again elsewhere. Valid during
/// the call only.
struct NodeLost {
  int node = 0;
  std::string_view name;
  std::string_view why;
  EventTime time = 0;
};

/// Bytes of one version of a datum went from node `from` to node `to` (0: the master).
struct DataTransferred {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  std::uint64_t bytes = 0;
  int from = 0;
  int to = 0;
  EventTime begin = 0;
  EventTime end = 0;
};

/// What the program's thread is doing in the runtime: waiting (`wait_on`, `barrier`), or
/// submitting a task (`submission`, which holds its `dependency_analysis`: the registry's
/// work for its parameters). Told only for the program's thread (not for tasks that
/// submit or wait inside a task).
enum class Activity : std::uint8_t { wait_on, barrier, submission, dependency_analysis };
const char* to_string(Activity activity) noexcept;

/// The program began (`begin`) or ended an activity.
struct RuntimeActivity {
  Activity kind = Activity::wait_on;
  bool begin = true;
  EventTime time = 0;
  /// A wait_on's begin: the data waited for, at the version waited for (their latest);
  /// empty for a barrier, a future no task made, or data no task touched. Valid during
  /// the call only.
  std::span<const DataAccess> data;
};

/// The runtime is ending: every task ended and the backend stopped, or the process exits
/// without timed-out tasks that still run (Runtime::exit_if_abandoned). No event follows;
/// observers that write files at the end do it now.
struct RunEnded {
  EventTime time = 0;
};

/// A worker's clock as the master reads it now (master = worker + offset), and the most
/// the offset can be wrong by (net/clock_offset.hpp). Told after every call or clock probe
/// that narrowed it, so the last one is the best.
struct NodeClock {
  int node = 0;
  std::int64_t offset = 0;
  std::int64_t error_bound = 0;
  EventTime time = 0;
  /// Clock probes it answered so far (at its connection, during the run, at its end).
  std::uint32_t probes = 0;
  /// Events of its own it could not keep so far (its buffer was full): a trace of it is
  /// truncated.
  std::uint64_t events_dropped = 0;
};

/// What a worker's thread did, as the worker told it (in batches, after the fact; only
/// while the master traces: net/worker_event_log.hpp), on the master's clock.
enum class NodeWork : std::uint8_t {
  task,     ///< an attempt's body ran (task_id, attempt, outcome)
  inputs,   ///< a task thread took the attempt's inputs (stored, fetched from peers)
  outputs,  ///< a task thread stored its outputs and answered
  serve,    ///< the worker's data server sent `bytes` to a node
};
const char* to_string(NodeWork work) noexcept;

/// `thread`: 0 the worker's data server, 1.. its task threads (one task at a time each).
/// task_id and attempt are 0 for `serve` (and when the master no longer knew the request).
struct NodeActivity {
  int node = 0;
  unsigned thread = 0;
  NodeWork kind = NodeWork::task;
  std::uint64_t task_id = 0;
  unsigned attempt = 0;
  TaskOutcome outcome = TaskOutcome::success;
  std::uint64_t bytes = 0;
  EventTime begin = 0;
  EventTime end = 0;
};

/// Receives task events. Every function has an empty default: override what you need.
///
/// Thread-safety: callbacks arrive concurrently from any thread (executor threads, the
/// program's thread, the network's receiver threads), so an observer synchronises its own
/// state. Per task, events arrive in order (submitted, ready, then per attempt started
/// and ended) and never concurrently; a task's ready comes after the last ended of every
/// task it depends on. Callbacks must not block for long, throw, or submit tasks: they
/// run inside the runtime (a thrown exception is swallowed).
///
///   struct Count : rt::TaskObserver {
///     std::atomic<int> ended{0};
///     void on_ended(const rt::TaskEnded& e) override { if (!e.will_retry) ++ended; }
///   };
///   runtime.events().add(std::make_shared<Count>());
class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  virtual void on_submitted(const TaskSubmitted&) {}
  virtual void on_ready(const TaskReady&) {}
  virtual void on_placed(const TaskPlaced&) {}
  virtual void on_started(const TaskStarted&) {}
  virtual void on_ended(const TaskEnded&) {}
  virtual void on_transfer(const DataTransferred&) {}
  virtual void on_activity(const RuntimeActivity&) {}
  virtual void on_clock(const NodeClock&) {}
  virtual void on_node_activity(const NodeActivity&) {}
  virtual void on_node_lost(const NodeLost&) {}
  virtual void on_run_ended(const RunEnded&) {}
  /// False for an observer whose on_submitted reads neither `data` nor `groups` (a
  /// trace): while every installed observer says so, the runtime leaves them empty and
  /// does not build them.
  virtual bool reads_submitted_data() const { return true; }
  /// False for an observer that takes a submission's begin and its dependency analysis
  /// from TaskSubmitted::submission_begin and `time` (a trace) or wants neither: while
  /// every installed observer says so, the runtime tells of each submission only its end
  /// as an activity (saving three events per task). Barriers, waits and a submission's
  /// end are told all the same.
  virtual bool reads_submission_activities() const { return true; }
  /// False for an observer whose on_submitted reads no `dependencies` (the monitor's
  /// group: its graph draws edges from the data): while every observer told submissions
  /// says so, the registry records none (about 70 instructions an edge saved).
  virtual bool reads_submitted_dependencies() const { return true; }
  /// The records of a trace (core/trace_records.hpp) into which the runtime may write this
  /// observer's task path itself: submitted, ready, started, ended and a submission's end
  /// are then not told to it (Observers::Snapshot::records). Null: told as any other.
  virtual TraceRecords* direct_records() { return nullptr; }
};

/// The observers of one runtime. With none installed an event site costs one relaxed
/// atomic load (`any()`) and a branch: the event is not even built.
///
///   if (events.any()) events.notify(&TaskObserver::on_ready, TaskReady{t->id(), event_now()});
///
/// A trace's recorder installed here (TaskObserver::direct_records) gets the task path's
/// events written into its records by the runtime itself, and those events are told only
/// to the other observers (Snapshot::others): the runtime's event sites read the snapshot
/// once and do both (core/runtime.cpp).
///
/// Thread-safety: add/remove are serialised by a mutex and publish a new immutable
/// snapshot; notify may run on any thread at the same time. A snapshot that was replaced
/// is kept (with its observers) until the Observers object is destroyed, so an event that
/// loaded it just before a remove() may still reach the removed observer.
///
/// Aligned to a cache line with the pointer every event site reads first, so no hot field
/// of its owner (a mutex locked per submission) shares that line: else every event site
/// would miss the cache whenever another thread submits.
class alignas(64) Observers {
 public:
  /// What is installed, as one immutable whole.
  struct Snapshot {
    std::vector<std::shared_ptr<TaskObserver>> all;
    /// All but the one whose records the runtime writes: told submitted, ready, started,
    /// ended and a submission's end.
    std::vector<TaskObserver*> others;
    /// The trace written directly (the first installed observer that offers its records).
    TraceRecords* records = nullptr;
    /// `records` is set and there are no `others`: the attempt's one-record branch
    /// (Runtime::run_observed_attempt) tests this one flag.
    bool trace_alone = false;
    /// The task path's times are counter stamps (read_tsc()): `records` alone reads them
    /// and it takes stamps. Else they are event times.
    bool tsc = false;
    /// An observer reads TaskSubmitted's `data` or `groups` (TaskObserver::reads_submitted_data).
    bool data_read = false;
    /// An observer wants a submission's begin and its dependency analysis as activities.
    bool activities_read = false;
    /// An observer told submissions reads their `dependencies`, or `records` is set.
    bool dependencies_read = false;

    /// A time for the task path's events (a stamp, or an event time: `tsc`).
    EventTime now() const noexcept { return tsc ? read_tsc() : event_now(); }
  };

  Observers() = default;
  Observers(const Observers&) = delete;
  Observers& operator=(const Observers&) = delete;

  /// True when at least one observer is installed (one relaxed load).
  bool any() const noexcept { return current_.load(std::memory_order_relaxed) != nullptr; }
  /// What is installed, or null when nothing is.
  const Snapshot* snapshot() const noexcept { return current_.load(std::memory_order_acquire); }

  /// True when an installed observer reads TaskSubmitted's `data` or `groups`.
  bool submitted_data_read() const noexcept {
    const Snapshot* s = snapshot();
    return s != nullptr && s->data_read;
  }

  /// True when an installed observer wants a submission's begin and its dependency
  /// analysis as activities (TaskObserver::reads_submission_activities).
  bool submission_activities_read() const noexcept {
    const Snapshot* s = snapshot();
    return s != nullptr && s->activities_read;
  }

  void add(std::shared_ptr<TaskObserver> observer);
  void remove(const TaskObserver* observer);

  /// Calls `fn(event)` on every installed observer; exceptions they throw are dropped.
  template <class Event>
  void notify(void (TaskObserver::*fn)(const Event&), const Event& event) const noexcept {
    const Snapshot* s = snapshot();
    if (s == nullptr) return;
    for (const auto& o : s->all) tell(*o, fn, event);
  }

  /// Calls `fn(event)` on `s`'s observers but the one whose records the runtime writes.
  template <class Event>
  static void notify_others(const Snapshot& s, void (TaskObserver::*fn)(const Event&), const Event& event) noexcept {
    for (TaskObserver* o : s.others) tell(*o, fn, event);
  }

 private:
  template <class Event>
  static void tell(TaskObserver& o, void (TaskObserver::*fn)(const Event&), const Event& event) noexcept {
    try {
      (o.*fn)(event);
    } catch (...) {
    }
  }
  /// Publishes `next` (under mutex_).
  void publish(std::vector<std::shared_ptr<TaskObserver>> observers);

  std::atomic<const Snapshot*> current_{nullptr};       // the last one, or null when empty
  std::mutex mutex_;
  std::vector<std::unique_ptr<const Snapshot>> snapshots_;  // every one published (under mutex_)
};

/// Tells `observers` (if any) that a wait begins now and ends with the scope.
///
///   ActivityScope scope(runtime.events(), Activity::barrier);
///
/// `begin` lets events a few instructions apart share one clock read (a read is ~35 ns
/// on the 2-core machines: docs/performance.md, "Traces").
class ActivityScope {
 public:
  ActivityScope(const Observers& observers, Activity kind,
                std::span<const DataAccess> data = {}) noexcept
      : ActivityScope(observers, kind, observers.any() ? event_now() : 0, data) {}
  /// Begun at `begin` (an event_now() the caller read).
  ActivityScope(const Observers& observers, Activity kind, EventTime begin,
                std::span<const DataAccess> data = {}) noexcept
      : observers_(observers.any() ? &observers : nullptr), kind_(kind) {
    if (observers_ != nullptr)
      observers_->notify(&TaskObserver::on_activity, RuntimeActivity{kind_, true, begin, data});
  }
  ~ActivityScope() {
    if (observers_ != nullptr) end_at(event_now());
  }
  /// Ends the activity now, at `time` (the destructor then tells nothing).
  void end_at(EventTime time) noexcept {
    if (observers_ != nullptr) observers_->notify(&TaskObserver::on_activity, RuntimeActivity{kind_, false, time});
    observers_ = nullptr;
  }
  ActivityScope(const ActivityScope&) = delete;
  ActivityScope& operator=(const ActivityScope&) = delete;

 private:
  const Observers* observers_;
  Activity kind_;
};

}  // namespace compss::rt
