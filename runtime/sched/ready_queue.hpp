// The queue of ready tasks waiting for a free task slot in a master-worker run, ordered by
// the policy: priority task types first, then first-in-first-out (fifo, locality) or
// last-in-first-out (lifo).
#pragma once

#include <deque>

namespace compss::sched {

/// Ready tasks waiting for a slot. Not thread-safe: the scheduler lock guards it.
///
///   ReadyQueue<Task*> q(true);      // lifo
///   q.push(t, t->spec().priority);
///   Task* next = q.pop();
template <class T>
class ReadyQueue {
 public:
  explicit ReadyQueue(bool lifo) : lifo_(lifo) {}

  void push(T task, bool priority) { (priority ? urgent_ : normal_).push_back(task); }

  /// Puts back a task that was popped but could not be placed: it is the next one out.
  void push_front(T task, bool priority) {
    auto& q = priority ? urgent_ : normal_;
    if (lifo_ && !priority) {
      q.push_back(task);
    } else {
      q.push_front(task);
    }
  }

  bool empty() const noexcept { return urgent_.empty() && normal_.empty(); }
  std::size_t size() const noexcept { return urgent_.size() + normal_.size(); }

  /// The next task by the policy; the queue must not be empty. `priority` tells where it
  /// came from (for push_front).
  T pop(bool* priority = nullptr) {
    if (!urgent_.empty()) {
      T t = urgent_.front();
      urgent_.pop_front();
      if (priority != nullptr) *priority = true;
      return t;
    }
    if (priority != nullptr) *priority = false;
    T t;
    if (lifo_) {
      t = normal_.back();
      normal_.pop_back();
    } else {
      t = normal_.front();
      normal_.pop_front();
    }
    return t;
  }

 private:
  bool lifo_;
  std::deque<T> urgent_;
  std::deque<T> normal_;
};

}  // namespace compss::sched
