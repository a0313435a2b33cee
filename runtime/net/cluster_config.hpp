// What the master of a master-worker run reads from its environment (set by compss-run;
// docs/distributed.md, "Environment").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace compss::net {

/// How ready tasks are ordered when more are ready than there are free task slots.
enum class SchedulerPolicy { fifo, lifo, locality };

/// How much the runtime prints about nodes.
enum class LogLevel { off, info, debug };

/// The master's settings. `distributed` is false when neither COMPSS_LISTEN_FD nor
/// COMPSS_LISTEN is set: then the runtime runs on local cores only.
///
///   ClusterConfig c = cluster_config_from_env(4);
///   if (c.distributed) start_cluster(c);
struct ClusterConfig {
  bool distributed = false;
  int listen_fd = -1;          ///< COMPSS_LISTEN_FD (inherited listening socket), or -1
  std::string listen_host;     ///< COMPSS_LISTEN host (when no fd)
  std::uint16_t listen_port = 0;
  std::string secret;          ///< COMPSS_SECRET
  unsigned workers_expected = 0;                  ///< COMPSS_WORKERS_EXPECTED
  std::chrono::seconds connect_timeout{30};       ///< COMPSS_CONNECT_TIMEOUT
  /// COMPSS_WORKER_EXITS_FD: compss-run's pipe on which it reports the worker processes
  /// that ended ("ended <name>" lines), so the start need not wait for them; -1 = none.
  int worker_exits_fd = -1;
  /// COMPSS_REQUIRE_WORKERS=1: a worker that does not connect is an error, not a warning.
  bool require_workers = false;
  /// COMPSS_WORKER_TIMEOUT: a worker not heard from for this long is declared lost
  /// (0: never; docs/distributed.md, "Liveness").
  std::chrono::seconds worker_timeout{10};
  /// COMPSS_TIMEOUT_GRACE: how long a task that timed out on a worker may still take to
  /// return before that worker is restarted (docs/failures.md, "Restarting a worker").
  std::chrono::seconds timeout_grace{5};
  /// COMPSS_WORKER_RESTART_FD: compss-run's pipe on which the master asks it to restart a
  /// worker ("restart <name>" lines); -1 = none (the worker is dropped instead).
  int worker_restart_fd = -1;
  unsigned master_cores = 0;                      ///< COMPSS_MASTER_CORES
  SchedulerPolicy policy = SchedulerPolicy::locality;  ///< COMPSS_SCHEDULER
  /// COMPSS_LOOKAHEAD: requests a busy worker may hold beyond those it runs (sched::
  /// Lookahead::depth; 0 = none); -1, the default: as many as the worker's cores.
  int lookahead = -1;
  LogLevel log_level = LogLevel::off;             ///< COMPSS_LOG_LEVEL
  bool progress = false;                          ///< COMPSS_PROGRESS
  /// The run is traced (COMPSS_TRACE, set by runtime/launch.cpp): workers' clocks are
  /// probed and they send their own events (net/clock_probes.hpp, net/worker_event_log.hpp).
  bool worker_events = false;
};

/// Reads the COMPSS_* variables of a master; `default_cores` is the master's task slots
/// when COMPSS_MASTER_CORES is unset. Throws compss::Error
/// ("compss: invalid COMPSS_X='v': why") on a malformed value or a missing secret.
///
///   ClusterConfig c = cluster_config_from_env(runtime.threads());
ClusterConfig cluster_config_from_env(unsigned default_cores);

/// The log level from COMPSS_LOG_LEVEL (also read by workers); throws on a bad value.
LogLevel log_level_from_env();

}  // namespace compss::net
