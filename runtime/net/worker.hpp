// Worker mode: the program serves task requests from a master instead of running main.
#pragma once

#include "net/endpoint.hpp"

#include <chrono>
#include <cstddef>
#include <string>

namespace compss::net {

/// Runs one task request with the registered invoker and builds the reply: TaskDone with
/// the written parameters and result, or TaskFailed with the exception's type and message
/// (also for an unknown signature or a task that cannot run remotely).
///
///   Message reply = execute_request(request);
Message execute_request(const TaskRequest& request);

/// Serves `master` until it sends Shutdown or the channel closes. Data fetch requests are
/// answered "not found" (workers keep no data between tasks yet). Returns the number of
/// task requests served; `*orderly` (if given) tells whether a Shutdown ended it.
///
///   std::size_t n = serve_tasks(*endpoint);
std::size_t serve_tasks(Endpoint& master, bool* orderly = nullptr);

/// Where a worker connects and how it proves it belongs to the run.
struct WorkerSettings {
  std::string host;
  std::uint16_t port = 0;
  std::string secret;
};

/// Reads COMPSS_WORKER=<host:port> and COMPSS_SECRET; throws compss::Error naming the
/// variable when one is malformed or missing. Returns false when COMPSS_WORKER is unset.
///
///   WorkerSettings s;
///   if (worker_settings_from_env(s)) return worker_main(s);
bool worker_settings_from_env(WorkerSettings& out);

/// Parses "host:port" (also "[v6addr]:port"); throws compss::Error on a bad value.
///
///   WorkerSettings s = parse_worker_address("127.0.0.1:43000", "COMPSS_WORKER");
WorkerSettings parse_worker_address(const std::string& value, const char* source);

/// Connects to the master, says hello, serves tasks until shutdown. Returns the process
/// exit code (0, or 1 with a `compss: ...` message on stderr).
///
///   return worker_main(settings);
int worker_main(const WorkerSettings& settings);

}  // namespace compss::net
