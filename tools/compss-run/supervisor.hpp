// Waiting for the master and the workers: signal forwarding, early worker exits, the
// grace period after the master, and compss-run's exit status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace compss::run {

/// A started worker process.
struct WorkerProcess {
  unsigned index = 0;
  std::string host;
  /// COMPSS_WORKER_NAME: the name the master's lines use too (its worker numbers follow
  /// the order of connection, compss-run's the order of start: the name matches them).
  std::string name;
  pid_t pid = -1;
  bool running = true;
  /// Killed to be started again (a restart the master asked for): its end is expected.
  bool replaced = false;
};

/// The process that runs (or last ran) the worker named `name`: the last of that name not
/// `replaced`, whether it still runs or has exited already (a worker the master cut off
/// may exit, and be reaped, before its restart request is read). nullptr when there is none.
WorkerProcess* current_process(std::vector<WorkerProcess>& workers, const std::string& name);

/// Blocks SIGCHLD, SIGINT, SIGTERM, SIGHUP and SIGIO (compss-run waits for them with
/// sigtimedwait) and ignores SIGPIPE. Call before starting any child; spawn_process
/// gives children default handlers and an empty mask.
///
///   block_supervised_signals();
void block_supervised_signals();

/// Waits until the master and every worker have exited. SIGINT/SIGTERM/SIGHUP go to the
/// master (to the workers once the master is gone), with a line saying so; the workers
/// end when their master's connection does. A worker that exits non-zero or is killed
/// while the master runs, and no signal was passed on, is reported ("compss-run: worker 2
/// (name, host h) exited with code 1"). Workers still running `grace` after the master get SIGTERM, then SIGKILL
/// one second later. Returns the master's exit code, or 128+N when signal N killed it.
/// `on_early_exit` is called for each worker that exits while the master runs (not for
/// one `replaced`). `while_master_runs` is called at each wake-up (a signal, SIGIO
/// included, or a second) while the master runs: it may kill workers (marking them
/// `replaced`) and add the ones it starts to `workers`.
///
///   int code = supervise(master_pid, workers, std::chrono::seconds(5), false);
int supervise(pid_t master, std::vector<WorkerProcess>& workers, std::chrono::milliseconds grace,
              bool log_info,
              const std::function<void(const WorkerProcess&)>& on_early_exit = {},
              const std::function<void()>& while_master_runs = {});

}  // namespace compss::run
