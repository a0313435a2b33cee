#include "core/remote_deadline.hpp"

namespace compss::rt {

namespace {
thread_local RemoteDeadlineScope::Clock::time_point deadline = RemoteDeadlineScope::Clock::time_point::max();
}  // namespace

RemoteDeadlineScope::RemoteDeadlineScope(Clock::time_point d) noexcept : previous_(deadline) { deadline = d; }

RemoteDeadlineScope::~RemoteDeadlineScope() { deadline = previous_; }

bool remote_deadline_passed() noexcept {
  return deadline != RemoteDeadlineScope::Clock::time_point::max() && RemoteDeadlineScope::Clock::now() >= deadline;
}

}  // namespace compss::rt
