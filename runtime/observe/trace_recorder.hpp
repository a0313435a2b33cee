// TraceRecorder: the task observer behind `--trace`. It copies every task event of the run
// (the master's, and the workers' as the master learns them: net/remote_events.hpp) into
// memory with a bounded budget, and at the end of the run hands them over, merged and
// sorted, to the trace writers (observe/trace_model.hpp builds what they draw).
// docs/traces.md.
#pragma once

#include "core/events.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
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

/// Everything recorded, merged from the recorder's shards, each list sorted by time.
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

/// Thread-safety: callbacks from any thread. Events go to one of `shard_count` shards,
/// chosen by the calling thread, each with its own mutex, so threads rarely contend; the
/// budget is one atomic counter that shards draw from in chunks. `take` may run once the run ended (no more events).
/// Lock order: a shard's mutex alone, or clocks_mutex_ alone.
///
///   auto recorder = std::make_shared<TraceRecorder>(1'000'000);
///   runtime.events().add(recorder);
///   ... the run ...
///   TraceEvents events = recorder->take();
class TraceRecorder : public TaskObserver {
 public:
  /// Keeps at most `max_events` events (then counts the others as dropped).
  explicit TraceRecorder(std::uint64_t max_events) : max_events_(max_events) {}

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

  /// Everything recorded so far, merged and sorted; the recorder is left empty.
  TraceEvents take();

 private:
  struct Shard {
    std::mutex mutex;
    std::vector<std::string> type_names;  // this shard's own numbering
    std::vector<const detail::TaskSpec*> type_specs;
    std::unordered_map<std::string, std::uint32_t> type_index;
    std::vector<SubmitRecord> submitted;
    std::vector<Dependency> dependency_of;
    std::vector<std::uint64_t> dependency_task;
    std::vector<TaskReady> ready;
    std::vector<TaskPlaced> placed;
    std::vector<StartRecord> started;
    std::vector<TaskEnded> ended;
    std::vector<DataTransferred> transfers;
    std::vector<RuntimeActivity> activities;
    std::vector<NodeActivity> node_activities;
    std::map<int, std::string> node_names;
    std::uint64_t allowance = 0;  // events this shard may still keep before asking budget_
    std::string last_name;  // the last task type seen, and its index: most calls repeat it
    std::uint32_t last_type = 0;
  };
  static constexpr std::size_t shard_count = 16;
  /// Events a shard takes from the budget at once: threads do not share a counter per event.
  static constexpr std::uint64_t allowance_chunk = 4096;

  Shard& shard() noexcept;
  /// In `s` (locked): takes `n` events from the budget; false (counted as dropped) when spent.
  bool admit(Shard& s, std::uint64_t n) noexcept;

  const std::uint64_t max_events_;
  std::atomic<std::uint64_t> budget_taken_{0};  // events handed to shards' allowances
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<EventTime> run_ended_{0};
  std::array<Shard, shard_count> shards_;
  std::mutex clocks_mutex_;
  std::map<int, NodeClock> clocks_;
};

}  // namespace compss::rt::observe
