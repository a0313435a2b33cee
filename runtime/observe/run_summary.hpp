// The run's summary (--summary, COMPSS_SUMMARY=1): per task type, how many tasks ended and
// how, their retries, how long their attempts ran and the bytes of the versions they made
// that moved between nodes. Printed on stderr at the end and written as summary.json in
// the log folder (docs/tools.md, "The summary").
#pragma once

#include "core/events.hpp"
#include "observe/task_index.hpp"
#include "observe/version_map.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace compss::rt::observe {

/// One task type's figures. Times are of attempts that started and ended (a task retried
/// counts each attempt); `count` counts tasks (their last end).
struct TypeSummary {
  std::string name;
  std::uint64_t count = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;     ///< failed or timed out in the end
  std::uint64_t cancelled = 0;  ///< never ran to an end (a failure before, a cancelled group)
  std::uint64_t retries = 0;    ///< attempts another attempt followed
  std::uint64_t attempts = 0;   ///< attempts timed
  std::int64_t total_ns = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  std::uint64_t bytes_moved = 0;  ///< bytes of versions it made that went between nodes
  double mean_seconds() const { return attempts == 0 ? 0.0 : total_ns / 1e9 / attempts; }
};

/// The whole summary, task types in order of first submission.
struct SummaryReport {
  std::vector<TypeSummary> types;
  std::uint64_t bytes_from_main = 0;  ///< moved versions no task made (the program's data)
  std::int64_t elapsed_ns = 0;        ///< first submission to the last end
};

/// Counts from task events. Thread-safety: one mutex (a leaf) around every member, which
/// may be shared with the task graph and the monitor's timeline (observe/observer_group.hpp
/// tells all three an event under one lock): the `*_locked` members are for that caller,
/// which holds mutex().
///
///   auto summary = std::make_shared<RunSummary>();
///   runtime.events().add(summary);
///   ... std::fputs(summary_text(summary->report()).c_str(), stderr);
class RunSummary : public rt::TaskObserver {
 public:
  RunSummary() : RunSummary(std::make_shared<std::mutex>()) {}
  /// Guarded by `mutex` (shared with other observers; never null).
  explicit RunSummary(std::shared_ptr<std::mutex> mutex) : mutex_(std::move(mutex)) {}

  void on_submitted(const rt::TaskSubmitted& e) override;
  void on_started(const rt::TaskStarted& e) override;
  void on_ended(const rt::TaskEnded& e) override;
  void on_transfer(const rt::DataTransferred& e) override;

  /// The same with mutex() held by the caller.
  void on_submitted_locked(const rt::TaskSubmitted& e);
  void on_started_locked(const rt::TaskStarted& e);
  void on_ended_locked(const rt::TaskEnded& e);
  std::mutex& mutex() const noexcept { return *mutex_; }

  SummaryReport report() const;

  /// The run moves no data between nodes (a local run: no on_transfer comes): the version
  /// makers, kept only to name whose bytes a transfer moved, are not kept. Before its first
  /// event. (A transfer told all the same counts as the program's bytes.)
  void without_transfers();
  /// Versions whose maker is kept (tests).
  std::size_t versions_kept() const;

 private:
  struct Live {
    std::uint32_t type = 0;
    rt::EventTime started = 0;  ///< of the attempt running; 0 = none
  };

  std::shared_ptr<std::mutex> mutex_;
  SummaryReport report_;
  std::unordered_map<std::string, std::uint32_t> type_index_;
  TaskIndex<Live> live_;  ///< tasks not ended yet
  /// Which type made each version (for the bytes moved), + 1 (0: none).
  VersionMap<std::uint32_t> makers_;
  bool transfers_ = true;  ///< makers_ kept (without_transfers)
  rt::EventTime first_ = 0;
  rt::EventTime last_ = 0;
  std::uint32_t last_type_ = ~0u;  ///< the type on_submitted found last (calls of one type follow)
  const detail::TaskSpec* last_spec_ = nullptr;  ///< the spec of the task on_submitted saw last
};

/// The table printed on stderr ("compss: summary ..." and one line per task type).
std::string summary_text(const SummaryReport& report);
/// The same as JSON (summary.json).
std::string summary_json(const SummaryReport& report);

}  // namespace compss::rt::observe
