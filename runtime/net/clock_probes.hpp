// ClockProbes: while the master traces, it reads each worker's clock with a probe
// (ClockProbe, sent back at once by the worker) when the worker is admitted, every
// `interval` during the run (from a thread of its own), and once more before the run's
// Shutdown; each reply narrows that worker's offset (net/remote_events.hpp, probed).
// Answers narrow it too, but a worker that ran no task, or only long ones, still gets a
// tight bound from probes sent while it was idle. The probe also tells the worker to
// record its own events (ClockProbe::record_events).
#pragma once

#include "net/worker_link.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace compss::net {

/// Thread-safety: probe/probe_all from any thread; start and stop from the thread that
/// owns it. `links` are the cluster's node slots, of which the first `nodes` are filled
/// (a slot is filled before the count grows past it, and never emptied while it runs: a
/// restarted worker takes a new slot).
///
///   ClockProbes probes(links, node_count, std::chrono::seconds(1));
///   probes.probe(*links[n]);   // at admission
///   probes.start();            // every second from now on
///   probes.stop(); probes.probe_all();  // the last one, before Shutdown
class ClockProbes {
 public:
  ClockProbes(const std::vector<std::unique_ptr<WorkerLink>>& links,
              const std::atomic<std::size_t>& nodes, std::chrono::milliseconds interval)
      : links_(links), nodes_(nodes), interval_(interval) {}
  ~ClockProbes() { stop(); }
  ClockProbes(const ClockProbes&) = delete;
  ClockProbes& operator=(const ClockProbes&) = delete;

  /// Sends one probe to `link` (nothing when it is gone).
  static void probe(WorkerLink& link);
  /// Probes every live worker.
  void probe_all();
  /// Probes every `interval` from a thread of its own until stop().
  void start();
  void stop();

 private:
  const std::vector<std::unique_ptr<WorkerLink>>& links_;
  const std::atomic<std::size_t>& nodes_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace compss::net
