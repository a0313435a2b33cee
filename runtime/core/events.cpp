#include "core/events.hpp"

#include <algorithm>
#include <time.h>

namespace compss::rt {

EventTime event_now() noexcept {
  // steady_clock's own clock (libstdc++ reads CLOCK_MONOTONIC: times agree with the
  // steady_clock::now() of net/ and of workers), read with no library layer per event.
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<EventTime>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
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
  publish(std::move(next));
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
  publish(std::move(next));
}

void Observers::publish(std::unique_ptr<const List> next) {
  const bool read = std::any_of(next->begin(), next->end(), [](const auto& o) { return o->reads_submitted_data(); });
  const bool activities =
      std::any_of(next->begin(), next->end(), [](const auto& o) { return o->reads_submission_activities(); });
  // The flags are raised before a list that needs them and lowered after one that no
  // longer does (observers are added before the run: only an event racing with an add
  // may be built without them).
  if (read) data_read_.store(true, std::memory_order_release);
  if (activities) activities_read_.store(true, std::memory_order_release);
  // The old list stays in lists_: an event on another thread may still be reading it.
  current_.store(next->empty() ? nullptr : next.get(), std::memory_order_release);
  if (!read) data_read_.store(false, std::memory_order_release);
  if (!activities) activities_read_.store(false, std::memory_order_release);
  lists_.push_back(std::move(next));
}

}  // namespace compss::rt
