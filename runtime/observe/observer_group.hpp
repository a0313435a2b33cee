// The task graph, the summary and the monitor's live timeline told each task event as one
// observer under one lock (--graph, --summary, --monitor), and off the task path: a task's
// events are appended as fixed-size binary records to a lock-free ring
// (core/event_ring.hpp; by the runtime itself, core/monitor_records.hpp), and the group's
// own thread (or whoever reads them next) takes them out in order, every few
// milliseconds, and tells the three under their lock. Told directly on the task's thread,
// they cost a µs task about 6,900 instructions (4 lock pairs, the graph's maps); now the
// task's thread pays an atomic add and a few stores per event. docs/performance.md, "The
// monitor's per-task cost" and "The monitor's records written by the runtime".
#pragma once

#include "core/events.hpp"
#include "core/monitor_records.hpp"
#include "observe/monitor.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"

#include <array>
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace compss::rt::observe {

/// Forwards task events to those of `graph`, `summary` and `monitor` that are not null,
/// all made with the same `mutex` (TaskGraph(mutex), RunSummary(mutex),
/// MonitorSources::events_mutex).
///
/// The common events (a submission named by its spec and outside groups, ready, placed,
/// started on a node whose name was seen before, ended without an error) are appended to
/// the ring (by the runtime itself, but for placed: direct_ring()) and told later, in the order they were appended, by the drainer: a thread of
/// the group that takes the ring every `drain_period`, or a producer that finds the ring
/// full (it then drains an eighth of it if the lock is free, and sleeps until there is
/// room: memory stays bounded and nothing is dropped). Without the thread (the system
/// refused it: a warning on stderr) the producers' drains and the direct events' take it. Any other event
/// (a failure with its message, a barrier, a transfer...) first drains the whole ring
/// under the lock, then is told directly: the order the runtime told them in is kept.
/// What the three hold may so lag the run by a drain period; flush() and the run's end
/// tell everything told so far.
///
/// Thread-safety: events may arrive on any thread. Lock order: `mutex` is a leaf for the
/// three (the drainer takes it; a producer only try_locks it); the ring's own lock for
/// sleeping producers (a leaf) is taken under it; the monitor's own lock
/// (failures) is taken after it is released.
///
///   auto mutex = std::make_shared<std::mutex>();
///   auto graph = std::make_shared<TaskGraph>(mutex);
///   runtime.events().add(std::make_shared<ObserverGroup>(mutex, graph, summary, monitor));
class ObserverGroup : public rt::TaskObserver {
 public:
  /// Records the ring holds by default (44 bytes each with their sequence and length: 2.8 MB).
  static constexpr std::uint32_t default_ring_records = 1u << 16;
  static constexpr std::chrono::milliseconds drain_period{10};

  /// `at_run_end` (if any) runs when the run ends, after the monitor was told.
  /// `ring_records`: a power of two (tests make it small to wrap it often).
  ObserverGroup(std::shared_ptr<std::mutex> mutex, std::shared_ptr<TaskGraph> graph,
                std::shared_ptr<RunSummary> summary, std::shared_ptr<Monitor> monitor,
                std::function<void()> at_run_end = {}, std::uint32_t ring_records = default_ring_records);
  ~ObserverGroup() override;

  void on_submitted(const rt::TaskSubmitted& e) override;
  void on_ready(const rt::TaskReady& e) override;
  void on_placed(const rt::TaskPlaced& e) override;
  void on_started(const rt::TaskStarted& e) override;
  void on_ended(const rt::TaskEnded& e) override;
  void on_transfer(const rt::DataTransferred& e) override;
  void on_activity(const rt::RuntimeActivity& e) override;
  void on_node_lost(const rt::NodeLost& e) override;
  void on_run_ended(const rt::RunEnded& e) override;
  bool reads_submitted_data() const override { return graph_ != nullptr || summary_ != nullptr; }
  /// (the graph draws barriers and waits only)
  bool reads_submission_activities() const override { return false; }
  /// (the graph draws its edges from the data accesses)
  bool reads_submitted_dependencies() const override { return false; }
  /// The runtime appends the common events to the ring itself (core/monitor_records.hpp)
  /// and tells the group the others: the on_* above then see only those (or, with this
  /// group installed by other means than Observers, all of them).
  MonitorRecords* direct_ring() override { return &records_; }

  /// Tells the three every event told to the group so far (those still in the ring).
  void flush();

 private:
  void submitted_locked(const rt::TaskSubmitted& e);
  void started_locked(const rt::TaskStarted& e);
  void ended_locked(const rt::TaskEnded& e);
  /// Tells the event of the ring's records `r[0..n)` (under mutex_).
  void apply_locked(const TraceRecord* r, std::uint32_t n);
  /// Takes what the ring holds (under mutex_), at most `max_records` records; with
  /// `wait`, also what is being appended.
  void drain_locked(bool wait, std::uint64_t max_records = ~std::uint64_t{0}) noexcept;
  /// A producer's way to room: drains an eighth of the ring if the lock is free.
  void make_room() noexcept;
  void drain_loop();
  void stop_drainer();

  std::shared_ptr<std::mutex> mutex_;
  std::shared_ptr<TaskGraph> graph_;
  std::shared_ptr<RunSummary> summary_;
  std::shared_ptr<Monitor> monitor_;
  LiveTimeline* timeline_ = nullptr;  ///< the monitor's, or null
  std::function<void()> at_run_end_;

  /// The ring, its records and the nodes' names (named under mutex_).
  struct Records final : MonitorRecords {
    Records(ObserverGroup& group, std::uint32_t capacity, bool ready_read)
        : MonitorRecords(capacity, ready_read), group(group) {}
    void make_room() noexcept override { group.make_room(); }
    ObserverGroup& group;
  };
  Records records_;
  EventRing& ring_;  ///< records_'s
  std::vector<rt::DataAccess> data_;  ///< (mutex_) a submission's, as decoded
  const detail::TaskSpec* name_of_ = nullptr;  ///< (mutex_) the spec whose name name_ is
  std::string_view name_;  ///< (mutex_) name_of_'s name

  std::mutex drainer_mutex_;  ///< guards stop_ (a leaf)
  std::condition_variable drainer_wake_;
  bool stop_ = false;
  std::thread drainer_;  ///< (not joinable when the system refused it)
};

}  // namespace compss::rt::observe
