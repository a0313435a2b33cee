// What the runtime remembers about failed and cancelled tasks: the failure report and the
// data versions they left invalid ("poisoned"), which cancel their readers.
// Touched only on the failure path: the runtime calls it once something went wrong.
#pragma once

#include <compss/detail/task_node.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace compss::rt {

using detail::DataKey;
using detail::TaskBase;

/// Why a task attempt failed: the exception's type name and message (what crosses the
/// network later), and where it ran.
struct TaskError {
  std::string type;
  std::string message;
  std::string where;
};

/// One entry of the failure report.
struct FailureRecord {
  std::string task;
  std::uint64_t id = 0;
  std::string params;   ///< "inout x, in y, out <result>"
  unsigned attempts = 0;
  std::string status;   ///< "failed", "timed out", "cancelled", "threw compss::Exception"
  std::string policy;   ///< on_failure of the task
  std::string where;    ///< "localhost, thread 2", or "not started"
  std::string type;     ///< exception type name (empty for a cancellation)
  std::string message;  ///< exception text, or why the task was cancelled
  /// A compss::Exception thrown in a task group, or a task of that group cancelled by it:
  /// the program's own control flow (it catches the exception at the group's end), so it
  /// is written to the log folder but not printed on stderr.
  bool control_flow = false;
};

/// The on_failure policy's name as written in the clause.
const char* policy_name(detail::OnFailure p) noexcept;

class FailureLog {
 public:
  /// Adds a report entry for `task` (see FailureRecord::control_flow).
  void record(const TaskBase& task, std::string status, const TaskError& error,
              bool control_flow = false);

  /// Marks the versions `task` writes as invalid: tasks that read them are cancelled and
  /// waiting on them throws. With `result_only`, only the task's Future result.
  void poison_outputs(const TaskBase& task, const std::string& reason, bool result_only);

  /// If `task` reads an invalid version, returns true and sets `reason`.
  bool reads_poisoned(const TaskBase& task, std::string& reason);

  /// `task` succeeded: the versions it wrote are valid again.
  void clear_overwritten(const TaskBase& task);

  /// The future whose state lived at `address` is gone: its mark goes with it (a new state
  /// at that address is another datum).
  void forget(std::uintptr_t address);

  /// Throws compss::Error if the latest version of the datum (or of the objects in the
  /// range) is invalid.
  void throw_if_poisoned(const DataKey& key);
  void throw_if_poisoned(std::uintptr_t begin, std::size_t count, std::size_t stride);

  std::vector<FailureRecord> records();

  /// Writes the report (if there is anything to report) to the log folder and prints the
  /// entries that are not control flow on stderr. Returns the file's path, or an empty
  /// string.
  std::string publish();

 private:
  /// An invalid datum: the latest write of it failed or was cancelled. Keyed by the
  /// datum's key (the registry may forget and renumber idle data); a successful write
  /// erases it.
  struct Poison {
    std::string reason;
  };
  template <class F>
  static void for_each_access(const TaskBase& task, F&& f);
  Poison* find(const DataKey& key);

  std::mutex mutex_;
  std::vector<FailureRecord> records_;
  std::unordered_map<std::uintptr_t, Poison> objects_;
  std::unordered_map<std::string, Poison> files_;
};

/// The folder of this run's logs: $COMPSS_LOG_DIR, or ./compss-logs/<program>-<time>-<pid>.
std::string log_dir();

/// "localhost, thread N": a small stable number per thread.
std::string where_running();

}  // namespace compss::rt
