// WorkerHeartbeat: the worker's side of liveness on its link to the master (protocol v5,
// docs/distributed.md "Liveness"). A thread of its own sends a Heartbeat every fifth of
// the master's time-out, whatever the task threads are doing, so a worker busy with long
// tasks is never taken for a dead one. The same thread notices when this process did
// not run for most of that time-out (SIGSTOP, a frozen VM): the master has then declared
// it lost and given its work to others, so the worker is fenced: it closes the link, and
// starts no task and sends no answer from then on.
#pragma once

#include "net/endpoint.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace compss::net {

/// Thread-safe. The master's time-out is unknown (no fencing, no heartbeat) until
/// set_timeout, called with the first message the master sends.
///
///   WorkerHeartbeat beat(master);
///   beat.set_timeout(std::chrono::milliseconds(h.timeout_ms));   // the master's Heartbeat
///   if (beat.fenced()) return;                                 // before running a task
class WorkerHeartbeat {
 public:
  explicit WorkerHeartbeat(Endpoint& master);
  ~WorkerHeartbeat();
  WorkerHeartbeat(const WorkerHeartbeat&) = delete;
  WorkerHeartbeat& operator=(const WorkerHeartbeat&) = delete;

  /// The master declares this worker lost after `timeout` without hearing from it (zero:
  /// never; then no heartbeat is needed and none is sent).
  void set_timeout(std::chrono::milliseconds timeout);

  /// True once this process did not run for 3/4 of the master's time-out (checked at
  /// each beat, and here against the last beat: a task thread may wake before the
  /// heartbeat thread does). Sticky; the first time, the link to the master is closed.
  bool fenced() noexcept;

  /// The pause that fenced it (zero while not fenced).
  std::chrono::milliseconds pause() const noexcept { return pause_.load(); }

 private:
  using Clock = std::chrono::steady_clock;
  void run();
  /// Fences the worker after a pause of `gap` (once).
  void fence(Clock::duration gap) noexcept;
  Clock::duration fence_after() const noexcept;

  Endpoint& master_;
  std::atomic<std::chrono::milliseconds> timeout_{std::chrono::milliseconds(0)};
  std::atomic<Clock::rep> last_beat_;  // when the heartbeat thread last ran on time
  std::atomic<bool> sending_{false};   // a beat is being written (not a pause)
  std::atomic<bool> fenced_{false};
  std::atomic<std::chrono::milliseconds> pause_{std::chrono::milliseconds(0)};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;     // guarded by mutex_
  bool retimed_ = false;  // set_timeout was called (guarded by mutex_)
  std::thread thread_;
};

}  // namespace compss::net
