// The runtime's own state of a task: reference counts, successors, completion, failure
// handling and placement. It lives in the opaque TaskHeader every TaskBase carries
// (include/compss/detail/task_node.hpp), so a task stays one allocation while generated
// code sees none of it; only the runtime (libcompss) includes this file.
#pragma once

#include <compss/detail/task_node.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace compss::detail {
struct GlobalSnapshot;  // runtime/net/global_values.hpp
}

namespace compss::rt {

using detail::TaskBase;
class TraceRecords;  // core/trace_records.hpp

/// Who finished a task that has a time-out: the first of these to claim it
/// (core/failure_policy.cpp); only that one finishes it (settle, event, finish).
enum class FinishClaim : std::uint8_t {
  none,
  returned,     // its attempt ended as the deadline passed, first (end_attempt: as if in time)
  watchdog,     // the deadline passed while its body ran (Runtime::on_time_out)
  late_answer,  // its body ended elsewhere, heard of after the deadline (Runtime::disarm_attempt)
};

/// Thread-safety: each field says who touches it; the atomics are shared, the plain fields
/// are guarded as noted (succ_* and `done` by `succ_lock`).
struct TaskState {
  enum Status : std::uint32_t { submitted = 0, finished = 2 };
  static constexpr std::uint32_t inline_successors = 4;

  TaskState() = default;
  TaskState(const TaskState&) = delete;
  TaskState& operator=(const TaskState&) = delete;
  ~TaskState() { delete succ_overflow; }

  // ---- the local graph (hot: first) -----------------------------------------------------
  std::atomic<std::int32_t> refs{1};     // execution reference + registry references
  std::atomic<std::int32_t> pending{1};  // unfinished predecessors + submission guard
  std::atomic<bool> succ_lock{false};
  bool done = false;  // under succ_lock: no more successors may be added
  /// The task has a stream parameter: it runs on a thread of its own, not on a core's
  /// (docs/streams.md, "Threads"), since it may wait for other tasks while it runs. Set at
  /// submission from the spec.
  bool stream_task = false;
  std::uint8_t attempts = 0;  // how often it started (failure_policy.cpp)
  std::uint32_t succ_count = 0;
  TaskBase* succ_inline[inline_successors] = {};
  std::vector<TaskBase*>* succ_overflow = nullptr;
  std::uint64_t id = 0;  // assigned at submission (TaskBase::id())
  std::atomic<std::uint32_t> state{submitted};
  std::atomic<std::uint32_t> waiters{0};
  /// Tokens of the commutative data the task accesses (core/exclusion.hpp), or null.
  void* exclusive = nullptr;
  // Failure handling (core/failure_policy.cpp, groups.hpp): the innermost group the task
  // was submitted in (or null), its stop token, and who finishes a task with a time-out
  // (the first to claim it: FinishClaim).
  void* group = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<FinishClaim> finish_claim{FinishClaim::none};
  /// Master-worker runs: the node the scheduler placed the task on (0 = the master), or -1.
  /// Atomic: the watchdog reads it (on_time_out) while the cluster moves the task.
  std::atomic<std::int32_t> node{-1};
  /// The trace its submission was given to in a local run, whose decoder derives its ready
  /// (submitted_ready_derived): Runtime::notify_ready records none there. Another trace (one
  /// installed since) gets its ready recorded. Written at submission, before it can be ready.
  const TraceRecords* ready_derived_by = nullptr;
  /// Master-worker runs: the values of the globals it reads, taken at submission (a task
  /// that reads none, or runs on the master: null).
  std::shared_ptr<const detail::GlobalSnapshot> globals;
};

static_assert(sizeof(TaskState) <= detail::TaskHeader::size &&
                  alignof(TaskState) <= detail::TaskHeader::alignment,
              "the runtime's task state must fit the TaskHeader of the public TaskBase: "
              "enlarge TaskHeader::size (include/compss/detail/task_node.hpp)");

inline TaskState& task_state(TaskBase& t) noexcept {
  return *std::launder(static_cast<TaskState*>(t.runtime_header().storage()));
}
inline const TaskState& task_state(const TaskBase& t) noexcept {
  return *std::launder(static_cast<const TaskState*>(t.runtime_header().storage()));
}
inline TaskState& task_state(TaskBase* t) noexcept { return task_state(*t); }
inline const TaskState& task_state(const TaskBase* t) noexcept { return task_state(*t); }

/// True when the watchdog ended the task timed out while its body still ran (its thread,
/// or a worker that had not answered): Runtime::abandoned() counts it until it returns.
inline bool timed_out_running(const TaskBase* t) noexcept {
  return task_state(t).finish_claim.load(std::memory_order_acquire) == FinishClaim::watchdog;
}

/// A reference that keeps the task alive (the execution's, the registry's, a watchdog's...).
inline void add_ref(TaskBase* t) noexcept {
  task_state(t).refs.fetch_add(1, std::memory_order_relaxed);
}
/// Drops a reference; the last one deletes the task.
inline void release_ref(TaskBase* t) noexcept {
  if (task_state(t).refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete t;
}

}  // namespace compss::rt
