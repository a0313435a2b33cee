#include "core/graph.hpp"

#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define COMPSS_PAUSE() _mm_pause()
#else
#define COMPSS_PAUSE() ((void)0)
#endif

namespace compss::rt {

void lock_successors(TaskBase* t) noexcept {
  for (unsigned spins = 0;; ++spins) {
    if (!task_state(t).succ_lock.exchange(true, std::memory_order_acquire)) return;
    while (task_state(t).succ_lock.load(std::memory_order_relaxed)) {
      if (++spins > 256) {
        std::this_thread::yield();
      } else {
        COMPSS_PAUSE();
      }
    }
  }
}

bool add_edge(TaskBase* pred, TaskBase* succ) noexcept { return add_edge_inline(pred, succ); }

void add_overflow_successor(TaskState& p, TaskBase* succ) {
  if (p.succ_overflow == nullptr) {
    p.succ_overflow = new std::vector<TaskBase*>();
    p.succ_overflow->reserve(8);
  }
  p.succ_overflow->push_back(succ);
}

SuccessorList take_successors(TaskBase* t) noexcept {
  TaskState& s = task_state(t);
  lock_successors(t);
  s.done = true;
  unlock_successors(t);
  // No successor can be added once `done` is set: read the list without the lock.
  SuccessorList out;
  out.count = s.succ_count;
  for (std::uint32_t i = 0; i < TaskState::inline_successors; ++i) out.first[i] = s.succ_inline[i];
  out.rest = s.succ_overflow;
  s.succ_overflow = nullptr;
  return out;
}

void wait_finished(TaskBase* t) noexcept {
  if (is_finished(t)) return;
  task_state(t).waiters.fetch_add(1, std::memory_order_seq_cst);
  for (;;) {
    std::uint32_t s = task_state(t).state.load(std::memory_order_seq_cst);
    if (s == TaskState::finished) break;
    task_state(t).state.wait(s, std::memory_order_seq_cst);
  }
  task_state(t).waiters.fetch_sub(1, std::memory_order_relaxed);
}

void mark_finished(TaskBase* t) noexcept {
  task_state(t).state.store(TaskState::finished, std::memory_order_seq_cst);
  if (task_state(t).waiters.load(std::memory_order_seq_cst) != 0) task_state(t).state.notify_all();
}

}  // namespace compss::rt
