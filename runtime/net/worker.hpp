// Worker mode: the program serves task requests from a master instead of running main.
#pragma once

#include "net/cluster_config.hpp"

#include "net/endpoint.hpp"
#include "local/task_binding.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace compss::net {

class WorkerStore;
class PeerFetcher;
class WorkerEventLog;

/// Runs one task request with the registered invoker and builds the reply: TaskDone, or
/// TaskFailed with the exception's type and message (also for an unknown signature, a
/// task that cannot run remotely, a wrong parameter count, or an input this worker
/// cannot get: "compss::DataMissing").
///
/// With a `store`, inputs follow protocol v2 (docs/distributed.md): an inline value with a
/// data id is cached as (id, version); a read parameter without a value comes from the
/// store, else from `peers` at its `source`; written parameters and the result (the
/// optional extra param after the declared ones) are stored as (id, stored_as) and
/// reported by size, inline only when their data id is 0. Without a store every output
/// travels inline and a read parameter without a value is missing.
///
/// No value is copied on the way: pass the request as an rvalue and its inline values move
/// into the store; fetched values and outputs move into the store; the task's inputs are
/// deserialized straight from the stored bytes.
///
/// The body's cores and GPUs are this worker's own free ids (rt::this_node_ids()), or
/// `ids` when given (the master running a remake placed on its node names its ids in the
/// scheduler).
///
///   WorkerStore store;
///   Message reply = execute_request(std::move(request), &store, &peers);
Message execute_request(TaskRequest request, WorkerStore* store = nullptr,
                        PeerFetcher* peers = nullptr, bool shared_files = true,
                        const rt::BoundIds* ids = nullptr);

/// What serve_tasks needs besides the master connection.
///
///   ServeOptions o{.cores = 4, .store = &store, .peers = &peers};
struct ServeOptions {
  /// Task slots: up to this many tasks run at once (at least 1).
  unsigned cores = 1;
  WorkerStore* store = nullptr;
  PeerFetcher* peers = nullptr;
  /// False: file parameters arrive as StagedFile and go back with their bytes.
  bool shared_files = true;
  /// Where this worker's own events go once the master asks for them (a ClockProbe with
  /// record_events); batches are sent from the task threads. Null: never recorded.
  WorkerEventLog* events = nullptr;
  /// Called once if serving ends (a Shutdown, the master's connection closed, or this
  /// worker fenced: see Liveness below) while tasks still run, with their number, whether
  /// a Shutdown ended it, and the pause that fenced it (zero when not fenced). Either way the
  /// master no longer waits for them (it sends Shutdown only once every answer it waits
  /// for has come; a task it still shows running then is one it gave up on: time_out).
  /// Their threads cannot be stopped, so this must end the process (worker_main's logs
  /// and exits). Unset: serve_tasks waits for them.
  std::function<void(std::size_t running, bool orderly, std::chrono::milliseconds fenced)>
      abandon;
};

/// Serves `master` until it sends Shutdown or the channel closes: task requests run on a
/// pool of `options.cores` threads and are answered as they finish (out of order). Each
/// thread receives the next message itself, runs it and sends the reply (no hand-off);
/// the master may keep more requests in flight than `cores`: the extra ones wait in the
/// connection until a thread is free;
/// DataFetchRequest is answered from the store, DataRelease applied to it, a ClockProbe
/// sent back at once with this worker's time (and, with `options.events`, events recorded
/// and sent in batches from then on: the last batch after the last task). On Shutdown the
/// queued tasks are answered first; on a close, queued tasks are dropped. Tasks still
/// running then are abandoned through `options.abandon` (if set; else they finish first).
/// Returns the number of task requests served;
/// `*orderly` (if given) tells whether a Shutdown ended it.
///
/// Liveness (docs/distributed.md): the master's first message, a Heartbeat, gives its
/// time-out; from then on a thread sends heartbeats (net/worker_heartbeat.hpp). When this
/// process did not run for most of that time-out (SIGSTOP), the master has declared it
/// lost: it is fenced, the connection closes, no further task starts and no answer is
/// sent (tasks still running are abandoned as above); `*fenced_pause` (if given) is then
/// the pause, else zero.
///
///   std::size_t n = serve_tasks(*endpoint, {.cores = 2, .store = &store});
std::size_t serve_tasks(Endpoint& master, const ServeOptions& options, bool* orderly = nullptr,
                        std::chrono::milliseconds* fenced_pause = nullptr);

/// The share of a worker's memory its data may use when COMPSS_WORKER_DATA_MEMORY is
/// unset (the rest: the program, its tasks' own allocations, buffers of transfers).
inline constexpr double data_memory_share = 0.6;

/// The worker's data memory budget in bytes: `data_memory_gb` when set, else
/// data_memory_share of `memory_gb` (what the worker reports as its memory).
///
///   std::uint64_t budget = data_budget_bytes(settings.data_memory_gb, 16.0);
std::uint64_t data_budget_bytes(std::optional<double> data_memory_gb, double memory_gb);

/// How a worker process runs (config::WorkerSettings: COMPSS_WORKER, COMPSS_SECRET,
/// COMPSS_WORKER_CORES/MEMORY/GPUS/NAME/BIND, COMPSS_SHARED_FS, COMPSS_WORKING_DIR), read
/// by the run's one configuration reader (settings/run_config.hpp).
///
///   if (const auto& w = config::run_config().worker) return worker_main(*w);
using WorkerSettings = config::WorkerSettings;

/// Parses "host:port" (also "[v6addr]:port"); throws compss::Error on a bad value.
///
///   WorkerSettings s = parse_worker_address("127.0.0.1:43000", "COMPSS_WORKER");
WorkerSettings parse_worker_address(const std::string& value, const char* source);

/// The address a worker's data listener binds when COMPSS_WORKER_BIND is unset:
/// "127.0.0.1" when `master_host` is a loopback address or "localhost", else "0.0.0.0".
///
///   std::string bind = default_worker_bind("10.0.0.1");  // "0.0.0.0"
std::string default_worker_bind(const std::string& master_host);

/// Changes into the working directory, creating it (and its parents) if missing, starts
/// the data listener, connects to the master, says hello, and serves tasks until
/// Shutdown. Returns the process exit code (0, or 1 with a `compss: ...` message on
/// stderr).
///
///   return worker_main(settings);
int worker_main(const WorkerSettings& settings);

}  // namespace compss::net
