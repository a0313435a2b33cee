// Task graph edges: successor lists guarded by a per-node spin lock and the `done` flag.
#pragma once

#include "core/task_state.hpp"

#include <cstdint>

namespace compss::rt {

using detail::TaskBase;

/// Spin-locks the successor list of `t` (held for a few instructions only).
void lock_successors(TaskBase* t) noexcept;
inline void unlock_successors(TaskBase* t) noexcept {
  task_state(t).succ_lock.store(false, std::memory_order_release);
}
/// Appends `succ` to `p`'s successors past the inline ones (under its lock).
void add_overflow_successor(TaskState& p, TaskBase* succ);

/// Makes `succ` wait for `pred` unless `pred` has already finished (or is `succ`).
/// Returns true if `succ` now waits for `pred`.
bool add_edge(TaskBase* pred, TaskBase* succ) noexcept;

/// add_edge() inlined, for a caller that does more with each edge it adds (the registry
/// recording it for a trace: Registry::link_recorded, itself inlined into the recording
/// access helpers): no call per edge.
inline bool add_edge_inline(TaskBase* pred, TaskBase* succ) noexcept {
  if (pred == succ) return false;
  TaskState& p = task_state(pred);
  lock_successors(pred);
  if (p.done) {
    unlock_successors(pred);
    return false;
  }
  const std::uint32_t n = p.succ_count;
  if (n != 0) {
    TaskBase* last = n <= TaskState::inline_successors ? p.succ_inline[n - 1] : p.succ_overflow->back();
    if (last == succ) {
      unlock_successors(pred);
      return true;
    }
  }
  task_state(succ).pending.fetch_add(1, std::memory_order_relaxed);
  if (n < TaskState::inline_successors) [[likely]] {
    p.succ_inline[n] = succ;
  } else {
    add_overflow_successor(p, succ);
  }
  p.succ_count = n + 1;
  unlock_successors(pred);
  return true;
}

/// Bounded list of successors taken from a finishing task.
struct SuccessorList {
  std::uint32_t count = 0;
  TaskBase* first[TaskState::inline_successors] = {};
  std::vector<TaskBase*>* rest = nullptr;  // owned by the caller after take_successors

  template <class F>
  void for_each(F&& f) const {
    std::uint32_t n = count < TaskState::inline_successors ? count : TaskState::inline_successors;
    for (std::uint32_t i = 0; i < n; ++i) f(first[i]);
    if (rest != nullptr) {
      for (TaskBase* s : *rest) f(s);
    }
  }
};

/// Marks `t` done (no successor can be added any more) and moves its successors out.
SuccessorList take_successors(TaskBase* t) noexcept;

inline bool is_finished(const TaskBase* t) noexcept {
  return task_state(t).state.load(std::memory_order_acquire) == TaskState::finished;
}

/// Blocks until `t` has finished.
void wait_finished(TaskBase* t) noexcept;

/// Marks `t` finished and wakes threads blocked in wait_finished.
void mark_finished(TaskBase* t) noexcept;

}  // namespace compss::rt
