// The socket on which the master asks compss-run to restart a worker whose task timed out
// and did not return (COMPSS_WORKER_RESTART_FD; docs/failures.md, "Restarting a worker").
// The master writes "restart <name>\n"; compss-run kills that worker's process and starts
// it again with the same command and environment. The program's request_resources makes
// the master write "add <name>\n": compss-run starts one more worker of that name
// (docs/distributed.md, "Elasticity and snapshots").
#pragma once

#include <string>
#include <vector>

namespace compss::run {

/// A Unix socket pair. compss-run's end is non-blocking and raises SIGIO in compss-run
/// when the master writes (compss-run waits for SIGIO with its other signals: call after
/// block_supervised_signals); the master inherits the other end. Used by compss-run's one
/// thread (not thread-safe).
///
///   WorkerRestartSocket restarts;
///   env.push_back("COMPSS_WORKER_RESTART_FD=" + std::to_string(restarts.master_end()));
///   ... for (const std::string& name : restarts.take_requests()) restart(name);
class WorkerRestartSocket {
 public:
  /// Throws std::runtime_error when the sockets cannot be made.
  WorkerRestartSocket();
  ~WorkerRestartSocket();
  WorkerRestartSocket(const WorkerRestartSocket&) = delete;
  WorkerRestartSocket& operator=(const WorkerRestartSocket&) = delete;

  /// The master's end (-1 once closed): inheritable; list it in every worker's close_fds.
  int master_end() const noexcept { return master_fd_; }
  /// Closes compss-run's copy of the master's end (once the master is started).
  void close_master_end() noexcept;

  /// The worker names asked for since the last call, in order (whole lines only; a line
  /// that is neither "restart <name>" nor "add <name>" is ignored). Never blocks.
  std::vector<std::string> take_requests();
  /// The names of the new workers asked for ("add <name>") since the last call, in order.
  /// Never blocks.
  std::vector<std::string> take_additions();

 private:
  /// Reads what the master wrote and sorts its whole lines into the two lists.
  void read_available();

  int own_fd_ = -1;
  int master_fd_ = -1;
  std::string partial_;  // the start of a line not complete yet
  std::vector<std::string> restarts_;   // read, not taken yet
  std::vector<std::string> additions_;  // read, not taken yet
};

}  // namespace compss::run
