// WorkerEventLog: a worker's own events for the master's trace (docs/traces.md): when each
// task thread ran a task's body, took its inputs and wrote its answer, and when the data
// server sent values to other nodes. Nothing is recorded until the master asks
// (ClockProbe::record_events: it traces the run); then events gather here and leave in
// batches (WorkerEvents) sent by the task threads after an answer or while idle, and
// once more when the worker ends. Memory is bounded: past `max_pending` events waiting,
// new ones are counted as dropped and the master's trace says it is truncated.
#pragma once

#include "net/message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace compss::net {

/// The worker's clock for its events and WorkerTimes: steady_clock in ns.
inline std::int64_t worker_clock_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Thread-safety: every member from any thread (task threads, the data server's threads);
/// `recording` is one relaxed load, the rest lock one mutex (a leaf) briefly.
///
///   WorkerEventLog log;
///   log.start();                                   // the master's probe asked for it
///   if (log.recording()) log.add({.kind = ..., .thread = 1, ...});
///   if (auto batch = log.take(false)) master.send(std::move(*batch));
class WorkerEventLog {
 public:
  /// At most `max_pending` events wait; a batch goes once `batch_size` wait or the oldest
  /// waited `max_wait`.
  explicit WorkerEventLog(std::size_t max_pending = 16384, std::size_t batch_size = 512,
                          std::chrono::milliseconds max_wait = std::chrono::milliseconds(200))
      : max_pending_(max_pending), batch_size_(batch_size), max_wait_(max_wait) {}

  /// From now on events are kept.
  void start() noexcept { recording_.store(true, std::memory_order_relaxed); }
  bool recording() const noexcept { return recording_.load(std::memory_order_relaxed); }

  /// Keeps `e` (when recording), or counts it as dropped when the buffer is full.
  void add(const WireEvent& e) noexcept;

  /// The batch to send now: every waiting event once there are `batch_size` of them or the
  /// oldest waited `max_wait` (or with `all`, whenever any event or drop is waiting);
  /// none otherwise.
  std::optional<WorkerEvents> take(bool all);

 private:
  const std::size_t max_pending_;
  const std::size_t batch_size_;
  const std::chrono::milliseconds max_wait_;
  std::atomic<bool> recording_{false};
  std::mutex mutex_;
  std::vector<WireEvent> pending_;                 // guarded by mutex_
  std::uint64_t dropped_ = 0;                      // guarded by mutex_: since the last batch
  std::chrono::steady_clock::time_point oldest_;  // guarded by mutex_: when pending_[0] came
};

}  // namespace compss::net
