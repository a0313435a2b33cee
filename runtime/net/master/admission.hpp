// Admission: how a master-worker run takes its workers in at start. Each admitted
// connection (the listener checked the run's secret) must first say Hello, which carries
// the worker's name and its resource report (net/resource_report.hpp); the worker becomes a
// node of the scheduler with those resources. Workers join at start only (the cluster
// refuses later ones, except a worker it had restarted: net/cluster_restart.cpp).
#pragma once

#include "net/endpoint.hpp"
#include "net/start_wait.hpp"
#include "sched/resources.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace compss::net {

/// A worker that said Hello.
struct AdmittedWorker {
  std::shared_ptr<Endpoint> endpoint;
  Hello hello;
  std::string host;             ///< where it connected from
  std::string name;             ///< its Hello's name, else its host
  sched::Resources resources;   ///< what it reported (reported_resources)
};

/// Where admission takes connections from (Listener::accept, fakes in tests) and how it
/// names their peers (peer_host).
struct AdmissionSource {
  std::function<std::shared_ptr<Endpoint>(std::chrono::milliseconds)> accept;
  std::function<std::string(const Endpoint&)> host_of;
  /// How long a connection may take to say Hello before it is closed.
  std::chrono::milliseconds hello_timeout{5000};
};

/// Accepts connections while `wait` waits; each that says Hello in time is passed to
/// `admitted` (in order of arrival) and counted in `wait`; others are closed. Returns the
/// workers admitted. Runs on the caller's thread (the master's constructor).
///
///   unsigned n = admit_workers(wait, {listener_accept, peer_host},
///                              [&](AdmittedWorker&& w) { add_worker(std::move(w)); });
unsigned admit_workers(StartWait& wait, const AdmissionSource& source,
                       const std::function<void(AdmittedWorker&&)>& admitted);

}  // namespace compss::net
