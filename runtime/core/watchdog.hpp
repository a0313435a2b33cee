// The time-out watchdog: one thread per runtime, started with the first task that has a
// time_out, sleeping until the earliest deadline.
#pragma once

#include <compss/detail/task_node.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace compss::rt {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  /// `expire` runs on the watchdog thread for every task whose deadline passed while armed,
  /// with the time-out (seconds) it was armed for.
  explicit Watchdog(std::function<void(detail::TaskBase*, double)> expire);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// Watches `task` until `deadline`, `time_out` seconds from now (holds a reference on
  /// it meanwhile).
  void arm(detail::TaskBase* task, Clock::time_point deadline, double time_out);
  /// Stops watching `task`. False if its deadline had already passed: then the watchdog
  /// has called, is calling or will soon call `expire` for it (the clock decides, not
  /// whether the watchdog's thread has woken yet).
  bool disarm(detail::TaskBase* task, Clock::time_point deadline);

 private:
  void loop();

  struct Armed {
    detail::TaskBase* task;
    double time_out;
  };
  std::function<void(detail::TaskBase*, double)> expire_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, Armed> deadlines_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace compss::rt
