#include "core/events.hpp"

#include "core/trace_records.hpp"

#include <algorithm>

namespace compss::rt {

const char* to_string(TaskOutcome outcome) noexcept {
  switch (outcome) {
    case TaskOutcome::success: return "success";
    case TaskOutcome::failed: return "failed";
    case TaskOutcome::cancelled: return "cancelled";
    case TaskOutcome::timed_out: return "timed out";
  }
  return "?";
}

const char* to_string(Activity activity) noexcept {
  switch (activity) {
    case Activity::wait_on: return "wait_on";
    case Activity::barrier: return "barrier";
    case Activity::submission: return "submission";
    case Activity::dependency_analysis: return "dependency analysis";
  }
  return "?";
}

const char* to_string(NodeWork work) noexcept {
  switch (work) {
    case NodeWork::task: return "task";
    case NodeWork::inputs: return "take inputs";
    case NodeWork::outputs: return "store outputs and answer";
    case NodeWork::serve: return "serve data";
  }
  return "?";
}

void Observers::add(std::shared_ptr<TaskObserver> observer) {
  std::lock_guard lock(mutex_);
  const Snapshot* now = current_.load(std::memory_order_relaxed);
  std::vector<std::shared_ptr<TaskObserver>> next = now != nullptr ? now->all : std::vector<std::shared_ptr<TaskObserver>>{};
  next.push_back(std::move(observer));
  publish(std::move(next));
}

void Observers::remove(const TaskObserver* observer) {
  std::lock_guard lock(mutex_);
  const Snapshot* now = current_.load(std::memory_order_relaxed);
  if (now == nullptr) return;
  std::vector<std::shared_ptr<TaskObserver>> next = now->all;
  std::erase_if(next, [&](const auto& o) { return o.get() == observer; });
  if (next.size() == now->all.size()) return;
  publish(std::move(next));
}

void Observers::publish(std::vector<std::shared_ptr<TaskObserver>> observers) {
  auto next = std::make_unique<Snapshot>();
  for (const auto& o : observers) {
    TraceRecords* records = next->records == nullptr ? o->direct_records() : nullptr;
    if (records != nullptr) {
      next->records = records;
      continue;  // (it is told the task path by its records: not one of the others)
    }
    next->others.push_back(o.get());
    next->data_read = next->data_read || o->reads_submitted_data();
    next->activities_read = next->activities_read || o->reads_submission_activities();
    next->dependencies_read = next->dependencies_read || o->reads_submitted_dependencies();
  }
  // (the trace's records, also written through notify_submitted, take the dependencies)
  next->dependencies_read = next->dependencies_read || next->records != nullptr;
  next->trace_alone = next->records != nullptr && next->others.empty();
  next->tsc = next->trace_alone && next->records->counter_stamps();
  next->all = std::move(observers);
  // The old snapshot stays in snapshots_: an event on another thread may still be reading it.
  // (Kept before it is published: if keeping it throws, nothing points at it.)
  const Snapshot* published = next->all.empty() ? nullptr : next.get();
  snapshots_.push_back(std::move(next));
  current_.store(published, std::memory_order_release);
}

}  // namespace compss::rt
