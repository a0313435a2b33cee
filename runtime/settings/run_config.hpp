// The one reader of a process's configuration: every COMPSS_* variable the runtime reads
// (compss-run turns its flags, resources.xml and project.xml into these variables), parsed
// and checked in one place, into one RunConfig. docs/configuration.md lists each setting.
//
// Built at start (runtime/launch.cpp: load_run_config() for a master, a local run or a
// worker); the parts that need a setting read it from run_config(), never from the
// environment. A malformed value stops the start with one message naming the variable,
// the value and what is expected: "compss: invalid COMPSS_X='v': expected ...".
//
// A bottom layer (runtime/CMakeLists.txt, compss_settings): it sees sched/ (to parse memory
// sizes) and nothing above; core/, local/, exec/, observe/ and net/ may all see it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace compss::config {

/// A variable's value by name, or null when unset (std::getenv; a map in tests).
using Env = std::function<const char*(const char*)>;
/// std::getenv.
const char* process_env(const char* name);

/// How much the runtime prints about nodes (COMPSS_LOG_LEVEL).
enum class LogLevel { off, info, debug };
/// How ready tasks are ordered when more are ready than there are free task slots.
enum class SchedulerPolicy { fifo, lifo, locality };
/// Which mpirun an MPI task is started with (COMPSS_MPIRUN_TYPE).
enum class MpiFlavour { openmpi, mpich };

/// The master's settings (docs/distributed.md, "Environment of the master").
/// `distributed` is false when neither COMPSS_LISTEN_FD nor COMPSS_LISTEN is set: then the
/// runtime runs on local cores only and the rest keeps its defaults (is not read).
struct MasterSettings {
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
  /// COMPSS_KEEP_READ_FILES: keep the versions of files tasks read in place by hard links
  /// for remakes (net/kept_files.hpp); off: stamped only (a change fails a remake).
  bool keep_read_files = true;
  /// COMPSS_KEPT_DIR: where those links go when on the file's file system: empty (unset)
  /// = working_dir; an absolute directory (on a master-worker run's master: an existing
  /// directory it can write, else the start fails); or kept_beside (`beside`): always beside the file.
  /// Elsewhere, beside the file (net/kept_files.hpp).
  std::string kept_dir;
  bool kept_beside = false;
  /// The master's working directory at launch, as its user names it: $PWD when that is
  /// the same directory as getcwd() (a symlinked or automounted path workers may see
  /// where they do not see the physical one), else getcwd(); empty when neither is known.
  std::string working_dir;
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
  /// COMPSS_RESOURCES and COMPSS_PROJECT (compss-run sets them from --resources/--project):
  /// the XML files the workers were started from; each worker's resources.xml node is
  /// taken over its own report (config/xml_nodes.hpp). Empty: the reports stand.
  std::string resources_xml;
  std::string project_xml;
  /// The run is traced (COMPSS_TRACE, set by runtime/launch.cpp): workers' clocks are
  /// probed and they send their own events (net/clock_probes.hpp, net/worker_event_log.hpp).
  bool worker_events = false;
};

/// A worker's settings (docs/distributed.md, "The worker"); read only when COMPSS_WORKER
/// is set.
struct WorkerSettings {
  std::string host;          ///< the master's host
  std::uint16_t port = 0;    ///< the master's port
  std::string secret;
  unsigned cores = 0;        ///< 0: hardware_concurrency
  /// COMPSS_WORKER_MEMORY (GB) and COMPSS_WORKER_GPUS: declared resources reported to the
  /// master instead of the detected ones (net/resource_report.hpp).
  std::optional<double> memory_gb;
  std::optional<unsigned> gpus;
  /// COMPSS_WORKER_DATA_MEMORY (GB): the most data (stored versions) the worker keeps
  /// before it drops copies other nodes hold (net/worker_store.hpp). Unset:
  /// net::data_memory_share of its memory (declared, else detected).
  std::optional<double> data_memory_gb;
  std::string name;          ///< empty: the host name
  std::string bind;          ///< empty: 127.0.0.1 for a loopback master, else 0.0.0.0
  std::string working_dir;   ///< empty: stay in the current directory
  bool shared_files = true;  ///< COMPSS_SHARED_FS: does it see the master's files?
  /// COMPSS_LOG_LEVEL: at info, the worker says at its end how many values it still held
  /// (old versions are released as the run goes, so this stays small).
  LogLevel log_level = LogLevel::off;
};

/// What the master observes (observe/observers.hpp makes the observers from it).
struct ObserveVariables {
  bool graph = false;                    ///< COMPSS_GRAPH=1
  std::size_t graph_svg_max = 3000;      ///< COMPSS_GRAPH_SVG_MAX
  bool summary = false;                  ///< COMPSS_SUMMARY=1
  std::optional<std::uint16_t> monitor;  ///< COMPSS_MONITOR=PORT (0: any free port)
  /// COMPSS_TRACE: empty (or 0) = no trace, "1" = <log folder>/trace, else the folder.
  std::string trace;
  std::uint64_t trace_max_events = 4'000'000;  ///< COMPSS_TRACE_MAX_EVENTS
};

/// Every setting of a process. Immutable once built; see docs/configuration.md.
struct RunConfig {
  unsigned threads = 1;                    ///< COMPSS_THREADS (default: all cores)
  LogLevel log_level = LogLevel::off;      ///< COMPSS_LOG_LEVEL
  std::string log_dir;                     ///< COMPSS_LOG_DIR (empty: ./compss-logs/<run>)
  std::optional<double> memory_gb;         ///< COMPSS_MEMORY (GB): the master's memory
  unsigned gpus = 0;                       ///< COMPSS_GPUS: the master's GPUs
  bool cpu_affinity = true;                ///< COMPSS_CPU_AFFINITY: automatic / disabled
  bool gpu_affinity = true;                ///< COMPSS_GPU_AFFINITY: automatic / disabled
  MpiFlavour mpirun = MpiFlavour::openmpi;  ///< COMPSS_MPIRUN_TYPE
  /// COMPSS_SHARED_FS: does this process see the master's files (unset: yes)?
  bool shared_fs = true;
  /// COMPSS_STREAM_FILES_MESSAGE_BYTES: a file stream's bytes per message (64 MiB).
  std::size_t stream_files_message_bytes = std::size_t{64} << 20;
  /// COMPSS_STREAM_INLINE_BYTES: a worker's stream element of at most this many encoded
  /// bytes travels with its publish through the master instead of peer to peer (512; 0:
  /// every element peer to peer). See net::stream_inline_bytes.
  std::size_t stream_inline_bytes = 512;
  /// COMPSS_STREAM_WINDOW_DELAY_US: a worker's publish answered this much later than the
  /// least recent round trip halves its producer's window of unanswered elements (1000 µs;
  /// 0: the window stays at its ceiling, 256). See net::PublishWindow.
  unsigned stream_window_delay_us = 1000;
  /// COMPSS_STREAM_PREFETCH_BYTES: a worker's stream consumer polls its next batch of at
  /// most this many element bytes (at least one element) while its user handles the last
  /// one (0, the default: each poll waits for its batch; not on by default yet, see
  /// docs/streams.md "Prefetch"). See net::PollPrefetcher.
  std::size_t stream_prefetch_bytes = 0;
  /// COMPSS_TEST_PAUSE_IN_TRANSFER (tests only): pause once in a large transfer; 0 = never.
  unsigned test_pause_in_transfer_ms = 0;
  ObserveVariables observe;                ///< graph, summary, monitor, trace
  MasterSettings master;                   ///< the master's (all its defaults elsewhere)
  std::optional<WorkerSettings> worker;    ///< set when COMPSS_WORKER is (a worker process)
};

/// Reads every setting from `env`. Throws compss::Error
/// ("compss: invalid COMPSS_X='v': expected ...") at the first malformed value.
///
///   RunConfig c = read_run_config(process_env);
RunConfig read_run_config(const Env& env);

/// The master's part alone; `default_cores` is the master's task slots when
/// COMPSS_MASTER_CORES is unset. Throws as read_run_config (also for a missing secret).
MasterSettings read_master_settings(const Env& env, unsigned default_cores);
/// The worker's part alone; nullopt when COMPSS_WORKER is unset. Throws as
/// read_run_config (also naming COMPSS_SECRET when it is missing).
std::optional<WorkerSettings> read_worker_settings(const Env& env);
/// COMPSS_LOG_LEVEL alone.
LogLevel read_log_level(const Env& env);

/// A "host:port" address (also "[v6addr]:port") of variable `source`; throws
/// compss::Error naming it on a bad value.
///
///   auto [host, port] = parse_address("127.0.0.1:43000", "COMPSS_WORKER");
std::pair<std::string, std::uint16_t> parse_address(const std::string& value, const char* source);

/// The process's configuration: the one load_run_config() installed last, or, when none
/// was, the environment read now (once). Thread-safe; one atomic load once installed.
const RunConfig& run_config();
/// Reads the environment and installs the result as run_config() (runtime/launch.cpp at
/// each start; tests after they change a variable). Earlier configurations stay valid
/// (a thread may still read one). Throws as read_run_config, installing nothing.
const RunConfig& load_run_config();

}  // namespace compss::config
