// NoNewThreads: while it lives, compss::rt::start_thread (core/thread_start.hpp) refuses
// new threads after `allowed` more, throwing std::system_error(EAGAIN) as std::thread does
// when the system has none left. One at a time (tests are single-threaded at that level).
#pragma once

#include "core/thread_start.hpp"

#include <atomic>
#include <cerrno>
#include <system_error>

class NoNewThreads {
 public:
  explicit NoNewThreads(int allowed = 0) {
    left().store(allowed);
    compss::rt::thread_start_check.store(&refuse);
  }
  ~NoNewThreads() { compss::rt::thread_start_check.store(nullptr); }
  NoNewThreads(const NoNewThreads&) = delete;
  NoNewThreads& operator=(const NoNewThreads&) = delete;
  /// Threads refused so far.
  static int refused() { return refused_count().load(); }

 private:
  static std::atomic<int>& left() {
    static std::atomic<int> n{0};
    return n;
  }
  static std::atomic<int>& refused_count() {
    static std::atomic<int> n{0};
    return n;
  }
  static void refuse() {
    if (left().fetch_sub(1) > 0) return;
    refused_count().fetch_add(1);
    throw std::system_error(EAGAIN, std::generic_category(), "NoNewThreads: thread creation refused");
  }
};
