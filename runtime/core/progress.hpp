// The progress line (COMPSS_PROGRESS=1): "compss: N done, R running, P pending" redrawn
// in place on stderr while a program runs.
#pragma once

#include "core/events.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace compss::rt {

/// Task counts the progress line shows.
struct ProgressCounts {
  std::size_t done = 0;
  std::size_t running = 0;
  std::size_t pending = 0;
};

/// The progress line's counts, kept from task events: done = tasks that ended (their last
/// attempt), running = tasks ready and not ended, at most `slots()` (the run's task slots:
/// the others wait for one), pending = the rest of the submitted tasks. Thread-safe
/// (relaxed counters: the line is a glance, not an account).
///
///   auto counter = std::make_shared<ProgressCounter>([] { return 4; });
///   runtime.events().add(counter);
///   ProgressLine line([counter] { return counter->counts(); }, stderr);
class ProgressCounter : public TaskObserver {
 public:
  explicit ProgressCounter(std::function<std::size_t()> slots) : slots_(std::move(slots)) {}
  ProgressCounts counts() const;

  void on_submitted(const TaskSubmitted&) override { submitted_.fetch_add(1, std::memory_order_relaxed); }
  void on_ready(const TaskReady&) override { ready_.fetch_add(1, std::memory_order_relaxed); }
  void on_ended(const TaskEnded& e) override;
  bool reads_submitted_data() const override { return false; }  // (counts only)
  bool reads_submission_activities() const override { return false; }
  bool reads_submitted_dependencies() const override { return false; }

 private:
  std::function<std::size_t()> slots_;
  // Each on its own cache line: different threads count them at once.
  alignas(64) std::atomic<std::size_t> submitted_{0};
  alignas(64) std::atomic<std::size_t> ready_{0};
  alignas(64) std::atomic<std::size_t> ended_{0};
};

/// Redraws `\rcompss: N done, R running, P pending` on `out` every `period` (200 ms)
/// from its own thread while enabled; the destructor stops the thread and erases the line.
/// `counts` is called on that thread, so it must be thread-safe.
///
///   ProgressLine line([&] { return ProgressCounts{done, running, pending}; }, stderr);
///   line.set_enabled(false);  // e.g. while the program prints a report
///   line.set_enabled(true);
class ProgressLine {
 public:
  ProgressLine(std::function<ProgressCounts()> counts, std::FILE* out,
               std::chrono::milliseconds period = std::chrono::milliseconds(200));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  /// Starts (true) or stops (false) redrawing; stopping erases the line at once.
  void set_enabled(bool enabled);
  /// The text of one line for `c` (no carriage return).
  ///
  ///   ProgressLine::format({3, 1, 2}) == "compss: 3 done, 1 running, 2 pending"
  static std::string format(const ProgressCounts& c);

 private:
  void loop();
  void draw_locked(const ProgressCounts& c);
  void erase_locked();

  std::function<ProgressCounts()> counts_;
  std::FILE* out_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool enabled_ = true;
  bool stopping_ = false;
  std::size_t drawn_ = 0;  ///< length of the line on screen (0 = none)
  std::thread thread_;
};

}  // namespace compss::rt
