#include "core/events.hpp"

#include <algorithm>
#include <chrono>

namespace compss::rt {

EventTime event_now() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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
  const List* now = current_.load(std::memory_order_relaxed);
  auto next = std::make_unique<List>(now != nullptr ? *now : List{});
  next->push_back(std::move(observer));
  current_.store(next.get(), std::memory_order_release);
  lists_.push_back(std::move(next));
}

void Observers::remove(const TaskObserver* observer) {
  std::lock_guard lock(mutex_);
  const List* now = current_.load(std::memory_order_relaxed);
  if (now == nullptr) return;
  auto next = std::make_unique<List>(*now);
  next->erase(std::remove_if(next->begin(), next->end(),
                             [&](const auto& o) { return o.get() == observer; }),
              next->end());
  if (next->size() == now->size()) return;
  // The old list stays in lists_: an event on another thread may still be reading it.
  current_.store(next->empty() ? nullptr : next.get(), std::memory_order_release);
  lists_.push_back(std::move(next));
}

}  // namespace compss::rt
