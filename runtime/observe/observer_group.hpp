// The task graph, the summary and the monitor's live timeline told each task event as one
// observer under one lock (--graph, --summary, --monitor). Installed separately, each was
// called for every event and took its own lock: with the monitor open a µs task paid
// about 9 lock/unlock pairs and 21 virtual calls for them; together, one pair per event
// that any of them keeps (4 for a local task) and one call per event.
// docs/performance.md, "The monitor's per-task cost".
#pragma once

#include "core/events.hpp"
#include "observe/monitor.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"

#include <functional>
#include <memory>
#include <mutex>

namespace compss::rt::observe {

/// Forwards task events to those of `graph`, `summary` and `monitor` that are not null,
/// all made with the same `mutex` (TaskGraph(mutex), RunSummary(mutex),
/// MonitorSources::events_mutex): each event takes it once and tells them in turn.
/// Events none of them keeps under the lock (transfers, activities, lost nodes, the run's
/// end) go to each through its own member, which locks as it does alone.
///
/// Thread-safety: events may arrive on any thread. Lock order: `mutex` is a leaf for the
/// three; the monitor's own lock (failures) is taken after it is released.
///
///   auto mutex = std::make_shared<std::mutex>();
///   auto graph = std::make_shared<TaskGraph>(mutex);
///   runtime.events().add(std::make_shared<ObserverGroup>(mutex, graph, summary, monitor));
class ObserverGroup : public rt::TaskObserver {
 public:
  /// `at_run_end` (if any) runs when the run ends, after the monitor was told.
  ObserverGroup(std::shared_ptr<std::mutex> mutex, std::shared_ptr<TaskGraph> graph,
                std::shared_ptr<RunSummary> summary, std::shared_ptr<Monitor> monitor,
                std::function<void()> at_run_end = {});

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

 private:
  std::shared_ptr<std::mutex> mutex_;
  std::shared_ptr<TaskGraph> graph_;
  std::shared_ptr<RunSummary> summary_;
  std::shared_ptr<Monitor> monitor_;
  LiveTimeline* timeline_ = nullptr;  ///< the monitor's, or null
  std::function<void()> at_run_end_;
};

}  // namespace compss::rt::observe
