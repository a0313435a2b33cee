#include "core/watchdog.hpp"
#include "core/task_state.hpp"

#include <vector>

namespace compss::rt {

Watchdog::Watchdog(std::function<void(detail::TaskBase*, double)> expire) : expire_(std::move(expire)) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& [when, armed] : deadlines_) release_ref(armed.task);
}

void Watchdog::arm(detail::TaskBase* t, Clock::time_point deadline, double time_out) {
  add_ref(t);
  bool earliest;
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    earliest = deadlines_.empty() || deadline < deadlines_.begin()->first;
    deadlines_.emplace(deadline, Armed{t, time_out});
  }
  if (earliest) wake_.notify_all();
}

bool Watchdog::disarm(detail::TaskBase* t, Clock::time_point deadline) {
  bool found = false;
  // Passed already: expired, whether or not this thread has woken for it yet (it will,
  // and call expire_): an answer after the deadline must not end the task as if in time
  // (a worker's body stops at it and answers a few ms later: TaskRequest::time_left_ms).
  if (Clock::now() >= deadline) return false;
  {
    std::lock_guard lock(mutex_);
    auto [b, e] = deadlines_.equal_range(deadline);
    for (auto it = b; it != e; ++it) {
      if (it->second.task == t) {
        deadlines_.erase(it);
        found = true;
        break;
      }
    }
  }
  // Not found: it expired, and the watchdog thread releases its reference.
  if (found) release_ref(t);
  return found;
}

void Watchdog::loop() {
  std::unique_lock lock(mutex_);
  std::vector<Armed> expired;
  while (!stopping_) {
    if (deadlines_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto first = deadlines_.begin()->first;
    if (Clock::now() < first) {
      wake_.wait_until(lock, first);
      continue;
    }
    auto now = Clock::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      expired.push_back(deadlines_.begin()->second);
      deadlines_.erase(deadlines_.begin());
    }
    lock.unlock();
    for (const Armed& armed : expired) {
      expire_(armed.task, armed.time_out);
      release_ref(armed.task);
    }
    expired.clear();
    lock.lock();
  }
}

}  // namespace compss::rt
