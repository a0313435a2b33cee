// TraceRecorder: the task observer behind `--trace`. Every task event of the run (the
// master's, and the workers' as the master learns them: net/remote_events.hpp) goes into
// per-thread buffers of binary records with a bounded budget (core/trace_records.hpp):
// the task path's written there by the runtime itself (direct_records()), the others by
// this observer. At the end of the run it decodes them, merged and sorted, for the trace
// writers (observe/trace_model.hpp builds what they draw).
// docs/traces.md.
#pragma once

#include "core/events.hpp"
#include "core/trace_records.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace compss::rt::observe {

/// One attempt began (`slot`: the master's executor thread; 0 on a worker).
struct StartRecord {
  std::uint64_t task_id = 0;
  unsigned attempt = 0;
  int node = 0;
  unsigned slot = 0;
  EventTime time = 0;
};

/// A task was submitted with its type (an index into TraceEvents::type_names).
struct SubmitRecord {
  std::uint64_t task_id = 0;
  std::uint32_t type = 0;
  EventTime time = 0;
};

/// Everything recorded, merged from the threads' buffers, each list sorted by time.
struct TraceEvents {
  std::vector<std::string> type_names;  // index = SubmitRecord::type
  std::vector<const detail::TaskSpec*> type_specs;  // parallel: each type's spec (or null)
  std::vector<SubmitRecord> submitted;
  std::vector<Dependency> dependency_of;  // parallel to dependency_task: the edge
  std::vector<std::uint64_t> dependency_task;  // the task that waits
  std::vector<TaskReady> ready;
  std::vector<TaskPlaced> placed;  // the scheduler's decisions (master-worker runs)
  std::vector<StartRecord> started;
  std::vector<TaskEnded> ended;
  std::vector<DataTransferred> transfers;
  std::vector<RuntimeActivity> activities;
  std::vector<NodeActivity> node_activities;  // what workers told of their threads (by begin)
  std::map<int, std::string> node_names;  // nodes named by their attempts
  std::map<int, NodeClock> clocks;        // the last estimate of each worker's clock
  EventTime run_ended = 0;
  std::uint64_t dropped = 0;  // events not kept: the budget was spent (trace truncated)
};

/// Thread-safety: callbacks from any thread. Each thread writes its events into a buffer
/// of its own (core/trace_records.hpp: fixed-size records, no lock, no allocation but
/// one chunk per 8,192 records). Task types and node names are resolved in take(), at
/// the end. take() runs once no more events come (the run ended: every thread that told
/// events stopped telling them), and at most once at a time.
/// Lock order: the records' lock, types_mutex_ and clocks_mutex_ are each taken alone.
///
///   auto recorder = std::make_shared<TraceRecorder>(1'000'000);
///   runtime.events().add(recorder);
///   ... the run ...
///   TraceEvents events = recorder->take();
class TraceRecorder : public TaskObserver {
 public:
  /// Keeps at most `max_records` records (then counts the events it refuses as dropped).
  /// An event is one record, plus one per dependency of a submitted task; a transfer and a
  /// worker's step take two.
  /// `counter_stamps`: the runtime may stamp the task path with the time-stamp counter
  /// where it can (core/event_clock.hpp); false: always with event_now().
  explicit TraceRecorder(std::uint64_t max_records, bool counter_stamps = true);
  ~TraceRecorder() override;

  void on_submitted(const TaskSubmitted& e) override;
  void on_ready(const TaskReady& e) override;
  void on_placed(const TaskPlaced& e) override;
  void on_started(const TaskStarted& e) override;
  void on_ended(const TaskEnded& e) override;
  void on_transfer(const DataTransferred& e) override;
  void on_activity(const RuntimeActivity& e) override;
  void on_clock(const NodeClock& e) override;
  void on_node_activity(const NodeActivity& e) override;
  void on_run_ended(const RunEnded& e) override;
  /// A trace draws edges from dependencies alone: no data accesses, no groups.
  bool reads_submitted_data() const override { return false; }
  /// A submission's begin and its dependency analysis come with its submitted event (one
  /// record instead of three events): decoded into the same activities in take().
  bool reads_submission_activities() const override { return false; }
  /// The runtime writes the task path's events into these itself.
  TraceRecords* direct_records() override { return &records_; }

  /// Everything recorded so far, merged and sorted; the recorder is left empty.
  TraceEvents take();

  /// Bytes the recorded events hold (bounded by the budget: at most 32 per record).
  std::uint64_t memory_bytes();

 private:
  /// The index of task type `name` (spec `spec`) among those interned by name.
  std::uint32_t intern_type(std::string_view name, const detail::TaskSpec* spec);

  TraceRecords records_;
  std::mutex types_mutex_;
  std::vector<std::pair<std::string, const detail::TaskSpec*>> named_types_;  // types not told by spec
  std::atomic<EventTime> run_ended_{0};
  std::mutex clocks_mutex_;
  std::map<int, NodeClock> clocks_;
};

}  // namespace compss::rt::observe
