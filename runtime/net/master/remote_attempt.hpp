// RemoteAttempt and MovingAttempts: one attempt of a task placed by the master (on a worker,
// or on the master when it moves there), and the attempts that left their node and wait for
// the scheduler to place them again (a retry, a lost worker, a missing input's pause).
// net::Cluster's dispatch makes the attempts, AttemptPolicy decides what an answer means.
#pragma once

#include "core/events.hpp"
#include "core/watchdog.hpp"
#include "net/master/attempt_policy.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace compss::detail {
class TaskBase;
}

namespace compss::net {

/// One attempt of a task: owned by whichever thread holds its shared_ptr (the dispatch,
/// the answer's receiver thread, a timer, the lane), one at a time: no lock.
struct RemoteAttempt {
  using Deadline = rt::Watchdog::Clock::time_point;
  detail::TaskBase* task = nullptr;
  int node = 0;  ///< where this attempt runs (t->node follows it)
  unsigned computing_units = 1;  ///< the cores reserved for it there
  unsigned gpus = 0;             ///< the GPUs reserved for it there
  Deadline deadline = Deadline::max();  ///< (Runtime::no_deadline)
  /// The implementation whose time_out `deadline` was armed for (a retry placed with
  /// another version is armed again for that one's: dispatch).
  std::uint32_t armed_for = 0;
  /// Task events: when the scheduler placed it last, its `placed` not told yet (told
  /// once its inputs are found; 0: told, or not observed).
  rt::EventTime placed_at = 0;
  rt::EventTime sent_at = 0;  ///< task events: when this attempt was sent (0: not observed)
  bool started_told = false;  ///< task events: its started was told at the send (time_out)
  AttemptHistory history;     ///< across its placements (AttemptPolicy)
};

/// The attempts waiting to be placed again, by task: parked before their placement is
/// asked for, taken by the dispatch when the scheduler places the task (a task placed with
/// none parked is a first placement). Thread-safe: its mutex is a leaf; take() takes no
/// lock while none is parked (most placements are a task's first).
///
///   moving.park(t, attempt); scheduler.submit(t, ...);   // ... dispatch(t, n):
///   if (auto a = moving.take(t)) { a->node = n; send(a); } else start(t, n);
class MovingAttempts {
 public:
  /// Parks `attempt` (replacing one parked for `task` before).
  void park(const detail::TaskBase* task, std::shared_ptr<RemoteAttempt> attempt) {
    std::lock_guard lock(mutex_);
    if (parked_.insert_or_assign(task, std::move(attempt)).second) count_.fetch_add(1, std::memory_order_relaxed);
  }

  /// The attempt parked for `task` (no longer parked), or null.
  std::shared_ptr<RemoteAttempt> take(const detail::TaskBase* task) {
    // (A call is parked before its placement is asked for, by the thread that then places
    // it: a relaxed count of zero means none is parked for this task.)
    if (count_.load(std::memory_order_relaxed) == 0) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = parked_.find(task);
    if (it == parked_.end()) return nullptr;
    std::shared_ptr<RemoteAttempt> attempt = std::move(it->second);
    parked_.erase(it);
    count_.fetch_sub(1, std::memory_order_relaxed);
    return attempt;
  }

  std::size_t size() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  std::unordered_map<const detail::TaskBase*, std::shared_ptr<RemoteAttempt>> parked_;
  std::atomic<std::size_t> count_{0};  // parked_.size(), read without the lock
};

}  // namespace compss::net
