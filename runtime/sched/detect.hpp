// The master machine's own resources, detected: cores, memory, architecture (and what the
// operating system says of itself). resources.xml and a worker's report describe the
// others (config/node_resources.hpp).
#pragma once

#include "sched/resources.hpp"

#include <string>

namespace compss::sched {

/// What detection found. `cores` overrides the core count when non-zero (COMPSS_THREADS,
/// --master-cores): the node offers that many CPU units.
///
///   Resources me = detect_local_resources();
///   unsigned cores = me.units(ProcessorType::cpu);
Resources detect_local_resources(unsigned cores = 0);

/// A memory size in GB given in variable `name` (COMPSS_MEMORY, COMPSS_WORKER_MEMORY): a
/// positive number. Throws compss::Error "compss: invalid NAME='v': expected ..." otherwise.
///
///   double gb = memory_gb_variable("COMPSS_MEMORY", "0.5");  // 0.5
double memory_gb_variable(const char* name, const std::string& value);

/// Physical memory from /proc/meminfo's MemTotal line (text given for tests); 0 when absent.
double memory_gb_from_meminfo(const std::string& meminfo);

}  // namespace compss::sched
