// The deadline of a body this process runs for another (a worker running the master's
// request of a task with a time_out): compss::this_task::stop_requested() is true in it
// from then, as in a task the local watchdog stopped (docs/failures.md, "time_out").
#pragma once

#include <chrono>

namespace compss::rt {

/// Sets the calling thread's deadline for the scope's life (scopes nest: the previous one
/// comes back). Not shared: each thread has its own, and only it reads it.
///
///   RemoteDeadlineScope stop(received + std::chrono::milliseconds(request.time_left_ms));
///   task->invoke(inputs, outputs);  // stop_requested() turns true at the deadline
class RemoteDeadlineScope {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RemoteDeadlineScope(Clock::time_point deadline) noexcept;
  ~RemoteDeadlineScope();
  RemoteDeadlineScope(const RemoteDeadlineScope&) = delete;
  RemoteDeadlineScope& operator=(const RemoteDeadlineScope&) = delete;

 private:
  Clock::time_point previous_;
};

/// Whether the calling thread is in a RemoteDeadlineScope whose deadline has passed
/// (a clock read only inside one).
bool remote_deadline_passed() noexcept;

}  // namespace compss::rt
