// The environment compss-run gives the master and each worker (docs/distributed.md,
// "Environment contract").
#pragma once

#include "options.hpp"
#include "worker_plan.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace compss::run {

using Variables = std::vector<std::pair<std::string, std::string>>;

/// Variables to set and to remove, applied on top of compss-run's own environment.
///
///   EnvChanges c{{{"COMPSS_SECRET", s}}, {"COMPSS_LISTEN"}};
struct EnvChanges {
  Variables set;
  std::vector<std::string> unset;
};

/// The local IPv4 address this host's routing table uses to reach `host` (a UDP socket
/// "connected" to it: no packet is sent), or "" when `host` does not resolve to an IPv4
/// address or has no route.
///
///   local_address_towards("127.0.0.1") == "127.0.0.1"
std::string local_address_towards(const std::string& host);

using AddressTowards = std::function<std::string(const std::string& host)>;

/// The address the master listens on: --bind; else 127.0.0.1 when every worker is local;
/// else the one interface the workers on other hosts are reached through (the same
/// source address towards each of them; they are told that address), so the port is not
/// open on the others. Only when they are reached through different interfaces, or a host
/// does not resolve here, 0.0.0.0 (every interface; `why_all` says why).
///
///   effective_bind(options, plan) == "127.0.0.1"  // for --workers 2
std::string effective_bind(const Options& options, const LaunchPlan& plan,
                           const AddressTowards& towards = local_address_towards,
                           std::string* why_all = nullptr);

/// The master port: --port, else the XML's MinPort, else 0 (any).
///
///   effective_port(options, plan) == 0
std::uint16_t effective_port(const Options& options, const LaunchPlan& plan);

/// Throws UsageError when a worker on another host could not reach `bind`
/// (a loopback address with ssh or srun workers).
///
///   check_bind_reachable("127.0.0.1", plan);
void check_bind_reachable(const std::string& bind, const LaunchPlan& plan);

/// "host:port" a worker connects to: a local worker uses the bound address (127.0.0.1
/// for 0.0.0.0), a remote one `hostname` when the master listens on every address.
///
///   master_address_for(w, "0.0.0.0", 4000, "n1") == "n1:4000"  // w.via == Via::ssh
std::string master_address_for(const WorkerSpec& worker, const std::string& bind,
                               std::uint16_t port, const std::string& hostname);

/// The master's changes: COMPSS_SECRET, COMPSS_LISTEN_FD, COMPSS_WORKERS_EXPECTED,
/// COMPSS_WORKER_EXITS_FD (the pipe on which compss-run reports workers that ended; not
/// set when `exits_fd` is -1), the options the runtime reads (COMPSS_GRAPH and
/// COMPSS_SUMMARY always, 1 or 0; COMPSS_MONITOR when asked for), COMPSS_RESOURCES and
/// COMPSS_PROJECT (absolute paths) when the workers come from them, COMPSS_PROGRESS=1 when
/// `progress` (else removed).
///
///   EnvChanges c = master_environment(options, plan, secret, 3, 4, true);
EnvChanges master_environment(const Options& options, const LaunchPlan& plan,
                              const std::string& secret, int listen_fd, int exits_fd,
                              bool progress);

/// A worker's variables except COMPSS_SECRET (which travels apart over ssh).
///
///   Variables v = worker_variables(options, w, "127.0.0.1:4000");
Variables worker_variables(const Options& options, const WorkerSpec& worker,
                           const std::string& master_address);

/// The changes for a worker started here or by srun: worker_variables plus the secret,
/// without the master's variables.
///
///   EnvChanges c = worker_environment(options, w, "127.0.0.1:4000", secret);
EnvChanges worker_environment(const Options& options, const WorkerSpec& worker,
                              const std::string& master_address, const std::string& secret);

/// `base` ("NAME=value" entries, e.g. environ) with `changes` applied.
///
///   std::vector<std::string> env = apply_changes(environ, c);
std::vector<std::string> apply_changes(char** base, const EnvChanges& changes);

}  // namespace compss::run
