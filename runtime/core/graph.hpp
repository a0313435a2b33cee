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

/// Makes `succ` wait for `pred` unless `pred` has already finished (or is `succ`).
/// Returns true if `succ` now waits for `pred`.
bool add_edge(TaskBase* pred, TaskBase* succ) noexcept;

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
