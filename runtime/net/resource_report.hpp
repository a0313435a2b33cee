// A worker's resources as its Hello reports them (protocol 6): the worker detects its
// machine (sched/detect.hpp) and applies what its launcher declared (COMPSS_WORKER_CORES,
// COMPSS_WORKER_MEMORY, COMPSS_WORKER_GPUS: from compss-run's options or resources.xml);
// the master turns the report into the node's sched::Resources (net/master/admission.hpp).
#pragma once

#include "net/message.hpp"
#include "sched/resources.hpp"

#include <optional>

namespace compss::net {

/// What a worker's launcher declared about it; unset fields are detected.
struct DeclaredResources {
  unsigned cores = 0;                ///< task slots (CPU units); 0 = detected
  std::optional<double> memory_gb;   ///< COMPSS_WORKER_MEMORY
  std::optional<unsigned> gpus;      ///< COMPSS_WORKER_GPUS
};

/// Fills the resource fields of `hello` (cores, memory_mb, gpus, architecture, os_type)
/// from `detected` overridden by `declared`.
///
///   report_resources(hello, sched::detect_local_resources(), declared);
void report_resources(Hello& hello, const sched::Resources& detected, const DeclaredResources& declared);

/// The node a Hello describes: its cores as CPU units (at least 1), its GPUs, its memory,
/// architecture and operating system.
///
///   sched::Resources r = reported_resources(hello);   // r.units(ProcessorType::gpu) == hello.gpus
sched::Resources reported_resources(const Hello& hello);

}  // namespace compss::net
