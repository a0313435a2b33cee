// start_thread: std::thread's constructor with a test seam. The runtime's helpers that
// start threads while a run goes on (the master's blocking lane growing for parked waits,
// the observers' drain thread) must go on with the threads they have when the system
// refuses a new one (std::system_error); tests make creation fail through this seam
// (tests/unit/no_new_threads.hpp) instead of replacing pthread_create.
#pragma once

#include <atomic>
#include <thread>
#include <utility>

namespace compss::rt {

/// Called (when set) before each start_thread; throws to refuse the thread, as std::thread
/// does when the system has none left. Set only by tests.
inline std::atomic<void (*)()> thread_start_check{nullptr};

/// std::thread(f), or the seam's exception. Thread-safe.
template <class F>
std::thread start_thread(F&& f) {
  if (void (*check)() = thread_start_check.load(std::memory_order_acquire)) check();
  return std::thread(std::forward<F>(f));
}

}  // namespace compss::rt
