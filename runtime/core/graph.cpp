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
    if (!t->succ_lock.exchange(true, std::memory_order_acquire)) return;
    while (t->succ_lock.load(std::memory_order_relaxed)) {
      if (++spins > 256) {
        std::this_thread::yield();
      } else {
        COMPSS_PAUSE();
      }
    }
  }
}

bool add_edge(TaskBase* pred, TaskBase* succ) noexcept {
  if (pred == succ) return false;
  lock_successors(pred);
  if (pred->done) {
    unlock_successors(pred);
    return false;
  }
  std::uint32_t n = pred->succ_count;
  if (n != 0) {
    TaskBase* last = n <= TaskBase::inline_successors ? pred->succ_inline[n - 1]
                                                      : pred->succ_overflow->back();
    if (last == succ) {
      unlock_successors(pred);
      return true;
    }
  }
  succ->pending.fetch_add(1, std::memory_order_relaxed);
  if (n < TaskBase::inline_successors) {
    pred->succ_inline[n] = succ;
  } else {
    if (pred->succ_overflow == nullptr) {
      pred->succ_overflow = new std::vector<TaskBase*>();
      pred->succ_overflow->reserve(8);
    }
    pred->succ_overflow->push_back(succ);
  }
  pred->succ_count = n + 1;
  unlock_successors(pred);
  return true;
}

SuccessorList take_successors(TaskBase* t) noexcept {
  lock_successors(t);
  t->done = true;
  unlock_successors(t);
  // No successor can be added once `done` is set: read the list without the lock.
  SuccessorList out;
  out.count = t->succ_count;
  for (std::uint32_t i = 0; i < TaskBase::inline_successors; ++i) out.first[i] = t->succ_inline[i];
  out.rest = t->succ_overflow;
  t->succ_overflow = nullptr;
  return out;
}

void wait_finished(TaskBase* t) noexcept {
  if (is_finished(t)) return;
  t->waiters.fetch_add(1, std::memory_order_seq_cst);
  for (;;) {
    std::uint32_t s = t->state.load(std::memory_order_seq_cst);
    if (s == TaskBase::finished) break;
    t->state.wait(s, std::memory_order_seq_cst);
  }
  t->waiters.fetch_sub(1, std::memory_order_relaxed);
}

void mark_finished(TaskBase* t) noexcept {
  t->state.store(TaskBase::finished, std::memory_order_seq_cst);
  if (t->waiters.load(std::memory_order_seq_cst) != 0) t->state.notify_all();
}

}  // namespace compss::rt
