// TraceModel: what a trace shows, built once from the recorded events (observe/
// trace_recorder.hpp) and drawn by every writer (Paraver, Perfetto JSON, trace.html), so
// the formats agree. Times are ns from the first event of the run.
//
// Threads: every node has thread 1 (on the master the program's thread, with its waits
// and submissions; on a worker its runtime: its data server, where its data arrives and
// leaves) and then its task threads. On the master an attempt goes on its executor
// thread's lane (the lowest free one when that is taken: lanes never overlap). A worker
// tells which of its task threads ran each attempt (NodeActivity, while traced): its
// threads 1.. are the node's threads 2..; an attempt it did not tell of (its events were
// dropped) goes on a lane after them. A worker's times are converted as they arrive, with
// the offset known then, so spans of one thread may overlap by the conversion's error:
// each span then begins where the one before it ended.
#pragma once

#include "observe/trace_recorder.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace compss::rt::observe {

/// One attempt of a task on a node's thread.
struct TaskSpan {
  std::uint64_t task_id = 0;
  unsigned attempt = 0;
  std::uint32_t type = 0;  // index into TraceModel::type_names
  int node = 0;            // index into TraceModel::nodes
  int thread = 0;          // from 2 (thread 1 is the node's runtime thread)
  std::int64_t begin = 0;
  std::int64_t end = 0;
  TaskOutcome outcome = TaskOutcome::success;
  bool unfinished = false;  // its end was not recorded (trace truncated): ends at the trace's end
};

/// What a worker's thread did besides running task bodies (NodeWork::inputs, outputs,
/// serve), on that node's thread.
struct WorkSpan {
  NodeWork kind = NodeWork::inputs;
  int node = 0;    // index into TraceModel::nodes
  int thread = 1;  // 1 the data server, from 2 the task threads
  std::uint64_t task_id = 0;  // 0 for serve
  std::uint64_t bytes = 0;    // serve: bytes sent
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

/// A transfer of `bytes` of version `version` of datum `data_id` between two nodes.
struct TransferSpan {
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
  std::uint64_t bytes = 0;
  int from = 0;
  int to = 0;
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

/// What the program's thread did in the runtime (outermost of each kind).
struct ActivitySpan {
  Activity kind = Activity::wait_on;
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

/// What a task type asks of a node (its constraints; COMPSs' events 8000008-8000010).
struct ResourceRequest {
  std::uint32_t cpus = 1;
  std::uint32_t gpus = 0;
  std::uint64_t memory_mb = 0;
};

/// The scheduler placed task `task_id` on `node` (an index into TraceModel::nodes).
struct PlacementPoint {
  std::uint64_t task_id = 0;
  int node = 0;
  unsigned computing_units = 0;
  std::int64_t time = 0;
};

/// How long a task waited for the scheduler: from when it could run (ready, or its
/// previous attempt's end when it is retried) to the decision (its placement in a
/// master-worker run; in a local run, where the start is the decision, its start).
struct SchedulerWait {
  std::uint64_t task_id = 0;
  bool placed = false;    // the decision was a placement (else a local start)
  std::int64_t begin = 0;  // could run
  std::int64_t end = 0;    // decided
};

/// A value that changes over time: {time, value} from the start.
struct CounterPoint {
  std::int64_t time = 0;
  std::int64_t value = 0;
};

struct TraceNode {
  int id = 0;  // the runtime's node number: 0 the master, workers from 1
  std::string name;
  int threads = 1;       // thread 1, the task threads, then the lanes
  int task_threads = 0;  // a worker's task threads it told of (threads 2..task_threads + 1)
  bool clock_known = false;
  std::int64_t clock_offset = 0;  // master = worker + offset (ns)
  std::int64_t clock_error = 0;   // the most that offset can be wrong by (ns)
  std::uint32_t clock_probes = 0;     // clock probes it answered
  std::uint64_t events_dropped = 0;   // its own events it could not keep
  std::uint64_t events_told = 0;      // its own events the trace holds
};

/// A task waited for another because of version `version` of datum `data_id`.
struct DependencyEdge {
  std::uint64_t from_task = 0;
  std::uint64_t to_task = 0;
  std::uint64_t data_id = 0;
  std::uint64_t version = 0;
};

/// Each submitted task's type (an index into TraceModel::type_names), held by the tasks
/// seen, not by their ids (ids may reach 2^32 and past: a vector by id would be that big).
/// Immutable once built.
class TaskTypes {
 public:
  TaskTypes() = default;
  /// (task id, type) of each submitted task, in any order (a repeated id: its last).
  explicit TaskTypes(std::vector<std::pair<std::uint64_t, std::uint32_t>> by_id);
  /// The type of task `id`; 0 also for an id never submitted.
  std::uint32_t of(std::uint64_t id) const noexcept;
  /// The tasks held.
  std::size_t size() const noexcept { return by_id_.size(); }

 private:
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_id_;  // by id, one each
};

struct TraceModel {
  std::int64_t origin = 0;    // the event time of time 0 (master's steady clock)
  std::int64_t duration = 0;  // the last time of the trace
  std::vector<std::string> type_names;
  std::vector<ResourceRequest> type_requests;  // parallel to type_names
  std::vector<TraceNode> nodes;  // master first, then by node number
  TaskTypes task_type;  // each submitted task's type
  std::vector<std::uint64_t> submitted;  // the ids of the tasks submitted, in order
  std::vector<TaskSpan> tasks;  // by begin
  std::vector<TransferSpan> transfers;
  std::vector<ActivitySpan> activities;
  std::vector<WorkSpan> work;  // workers' own runtime work, by begin
  std::vector<DependencyEdge> dependencies;
  std::vector<PlacementPoint> placements;  // the scheduler's decisions, by time
  std::vector<SchedulerWait> scheduler_waits;  // by decision time
  std::vector<CounterPoint> ready_tasks;     // tasks ready and not yet started
  std::vector<CounterPoint> bytes_in_flight;  // bytes of transfers under way
  std::uint64_t dropped = 0;  // events not recorded (budget spent, or a worker's buffer full): truncated

  /// The index into `nodes` of node number `id`.
  int node_index(int id) const;
  /// The largest clock error of any worker (0: none, or no worker).
  std::int64_t max_clock_error() const;
};

/// An interval to lay on a lane, and the lane it would rather have (-1: any).
struct Interval {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  int preferred_lane = -1;
};

/// Lanes (from 0) for intervals sorted by begin, so that no two on one lane overlap: the
/// preferred lane when it is free, else the lowest free one, else a new one.
std::vector<int> lay_on_lanes(const std::vector<Interval>& sorted);

/// The name of thread `thread` (from 1) of `node`: "master main", "master executor 2",
/// "worker1 runtime", "worker1 thread 2" (a worker's task thread), "worker1 lane 3".
std::string thread_name(const TraceNode& node, int thread);

/// Builds the model of a run from what was recorded.
TraceModel build_trace_model(TraceEvents events);

}  // namespace compss::rt::observe
