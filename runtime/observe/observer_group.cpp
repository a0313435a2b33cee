#include "observe/observer_group.hpp"

#include <stdexcept>

namespace compss::rt::observe {

ObserverGroup::ObserverGroup(std::shared_ptr<std::mutex> mutex, std::shared_ptr<TaskGraph> graph,
                             std::shared_ptr<RunSummary> summary, std::shared_ptr<Monitor> monitor,
                             std::function<void()> at_run_end)
    : mutex_(std::move(mutex)), graph_(std::move(graph)), summary_(std::move(summary)), monitor_(std::move(monitor)),
      at_run_end_(std::move(at_run_end)) {
  if (monitor_) timeline_ = &monitor_->timeline();
  // (one lock for all: a member made with another would be told events unguarded)
  if ((graph_ && &graph_->mutex() != mutex_.get()) || (summary_ && &summary_->mutex() != mutex_.get()) ||
      (timeline_ && &timeline_->mutex() != mutex_.get()))
    throw std::logic_error("ObserverGroup: the graph, the summary and the monitor must share its mutex");
}

void ObserverGroup::on_submitted(const rt::TaskSubmitted& e) {
  std::lock_guard lock(*mutex_);
  if (graph_) graph_->on_submitted_locked(e);
  if (summary_) summary_->on_submitted_locked(e);
  if (timeline_ && e.spec == nullptr) timeline_->on_submitted_locked(e);
}

void ObserverGroup::on_ready(const rt::TaskReady& e) {
  if (!graph_) return;
  std::lock_guard lock(*mutex_);
  graph_->on_ready_locked(e);
}

void ObserverGroup::on_placed(const rt::TaskPlaced& e) {
  if (!timeline_) return;
  std::lock_guard lock(*mutex_);
  timeline_->on_placed_locked(e);
}

void ObserverGroup::on_started(const rt::TaskStarted& e) {
  std::lock_guard lock(*mutex_);
  if (graph_) graph_->on_started_locked(e);
  if (summary_) summary_->on_started_locked(e);
  if (timeline_) timeline_->on_started_locked(e);
}

void ObserverGroup::on_ended(const rt::TaskEnded& e) {
  {
    std::lock_guard lock(*mutex_);
    if (graph_) graph_->on_ended_locked(e);
    if (summary_) summary_->on_ended_locked(e);
    if (timeline_) timeline_->on_ended_locked(e);
  }
  if (monitor_) monitor_->note_failure(e);
}

void ObserverGroup::on_transfer(const rt::DataTransferred& e) {
  if (summary_) summary_->on_transfer(e);
}

void ObserverGroup::on_activity(const rt::RuntimeActivity& e) {
  if (graph_) graph_->on_activity(e);  // (locks only for a barrier or a wait_on)
}

void ObserverGroup::on_node_lost(const rt::NodeLost& e) {
  if (monitor_) monitor_->on_node_lost(e);
}

void ObserverGroup::on_run_ended(const rt::RunEnded& e) {
  try {
    if (monitor_) monitor_->on_run_ended(e);
  } catch (...) {  // (the files are written all the same, as when they were two observers)
  }
  if (at_run_end_) at_run_end_();
}

}  // namespace compss::rt::observe
