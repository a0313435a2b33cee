// The pipe on which compss-run tells the master which worker processes ended (or could
// not be started), so that the master stops waiting for them at once instead of for the
// whole connect time-out (COMPSS_WORKER_EXITS_FD; runtime/net/start_wait.hpp reads it).
#pragma once

#include <string>

namespace compss::run {

/// Owns both ends. The read end is for the master alone: give master_end() to the
/// master (it is inheritable), list it in every worker's close_fds, and close it here
/// once the master and the workers are started. Writes never block and their errors are
/// ignored: the master reads the pipe only while it waits for its workers, then closes it.
/// Used by compss-run's one thread (not thread-safe).
///
///   WorkerExitsPipe exits;
///   env.push_back("COMPSS_WORKER_EXITS_FD=" + std::to_string(exits.master_end()));
///   ... exits.report("localhost-2");  // writes "ended localhost-2\n"
class WorkerExitsPipe {
 public:
  /// Throws std::runtime_error when the pipe cannot be made.
  WorkerExitsPipe();
  ~WorkerExitsPipe();
  WorkerExitsPipe(const WorkerExitsPipe&) = delete;
  WorkerExitsPipe& operator=(const WorkerExitsPipe&) = delete;

  /// The read end (-1 once closed).
  int master_end() const noexcept { return read_fd_; }

  /// Closes compss-run's copy of the read end.
  void close_master_end() noexcept;

  /// Reports that the worker named `name` ended: "ended <name>\n".
  void report(const std::string& name) noexcept;

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

}  // namespace compss::run
