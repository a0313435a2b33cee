// The monitor's live timeline: the attempts of the last minute per node and lane, with
// those still running (or sent to a worker and not answered yet) open to "now". Bounded:
// the newest `max_ended` ended attempts are kept, plus the open ones. docs/tools.md,
// "The monitor".
#pragma once

#include "core/events.hpp"
#include "observe/task_index.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace compss::rt::observe {

/// Attempts as bars for the monitor's page, from task events.
///
/// A local attempt opens at its start. A remote one opens when the scheduler places it
/// (`on_placed`: sent to the worker, state "sent") and becomes "running" from the time
/// the worker's answer says it began (a worker tells a task's start with its end, or with
/// its own events when the run is traced). Each node's attempts are laid on lanes: the
/// lowest lane free when the bar opens.
///
/// Thread-safety: one mutex (a leaf) around every member; events come from any thread.
/// The mutex may be shared with the task graph and the summary (observe/observer_group.hpp
/// tells all three an event under one lock): the `*_locked` members are for that caller,
/// which holds mutex().
///
///   LiveTimeline timeline(rt::event_now());
///   ... timeline.on_started(e) ...
///   std::string json = timeline.json(rt::event_now());
class LiveTimeline {
 public:
  explicit LiveTimeline(rt::EventTime start) : LiveTimeline(start, std::make_shared<std::mutex>()) {}
  /// Guarded by `mutex` (shared with other observers; never null).
  LiveTimeline(rt::EventTime start, std::shared_ptr<std::mutex> mutex) : start_(start), mutex_(std::move(mutex)) {}

  /// Needed only for a task told without its spec (tests): one told with it is typed by
  /// the spec its placement or start carries, and costs nothing here.
  void on_submitted(const rt::TaskSubmitted& e);
  void on_placed(const rt::TaskPlaced& e);
  void on_started(const rt::TaskStarted& e);
  void on_ended(const rt::TaskEnded& e);
  /// The same with mutex() held by the caller.
  void on_submitted_locked(const rt::TaskSubmitted& e);
  void on_placed_locked(const rt::TaskPlaced& e);
  void on_started_locked(const rt::TaskStarted& e);
  void on_ended_locked(const rt::TaskEnded& e);
  std::mutex& mutex() const noexcept { return *mutex_; }

  /// The ended attempts kept at most (the newest).
  static constexpr std::size_t max_ended = 2000;
  /// Ended attempts older than this (seconds before now) are not sent.
  static constexpr double window_seconds = 60;

  /// {"now_s", "window_s", "types": [names], "spans": [[node, lane, begin_s, end_s or -1 (open), type, task, attempt, state]]}
  /// with state 0 sent, 1 running, 2 done, 3 failed, 4 timed out, 5 cancelled; times in
  /// seconds since `start`.
  std::string json(rt::EventTime now) const;

 private:
  enum State : std::uint8_t { sent, running, done, failed, timed_out, cancelled };
  struct Span {
    std::uint64_t task = 0;
    unsigned attempt = 0;
    int node = 0;
    unsigned lane = 0;
    std::uint32_t type = 0;
    rt::EventTime begin = 0, end = 0;
    State state = sent;
  };
  /// A lane of `node` free now (the lowest), marked taken.
  unsigned take_lane(int node);
  void free_lane(const Span& span);
  Span& open(std::uint64_t task, int node, rt::EventTime time, const detail::TaskSpec* spec);
  /// The index of task type `name` (added when new).
  std::uint32_t type_named(std::string_view name);
  /// Keeps `span` among the newest max_ended ended ones (a ring: no allocation once full).
  void keep_ended(const Span& span);

  rt::EventTime start_;
  std::shared_ptr<std::mutex> mutex_;
  std::vector<std::string> type_names_;
  std::unordered_map<std::string, std::uint32_t> type_ids_;
  TaskIndex<std::uint32_t> type_of_;  ///< tasks submitted without a spec and not ended yet
  /// The open bars (replicas: one per node), unordered: few (the attempts running or sent),
  /// so looked through rather than hashed (a hash map allocated a node per attempt).
  std::vector<Span> open_;
  std::vector<Span> ended_;      ///< a ring of at most max_ended, the oldest at ended_next_ once full
  std::size_t ended_next_ = 0;
  std::vector<std::vector<bool>> lanes_busy_;  ///< [node][lane]
  std::uint32_t last_type_ = ~0u;  ///< the type type_named found last (calls of one type follow)
  const detail::TaskSpec* last_spec_ = nullptr;  ///< the spec whose type is last_spec_type_
  std::uint32_t last_spec_type_ = 0;
};

}  // namespace compss::rt::observe
