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

/// The largest memory size a variable may give (1 PiB): sizes stay exact whole numbers of
/// bytes and MB well inside std::uint64_t.
inline constexpr double max_memory_gb = 1024.0 * 1024.0;

/// A memory size in GB given in variable `name` (COMPSS_MEMORY, COMPSS_WORKER_MEMORY,
/// COMPSS_WORKER_DATA_MEMORY): a finite positive number of at most max_memory_gb. Throws
/// compss::Error "compss: invalid NAME='v': expected <meaning> in GB, ..." otherwise
/// (`meaning` says what the variable sizes, e.g. "the node's memory").
///
///   double gb = memory_gb_variable("COMPSS_MEMORY", "0.5");  // 0.5
double memory_gb_variable(const char* name, const std::string& value,
                          const char* meaning = "the node's memory");

/// Physical memory from /proc/meminfo's MemTotal line (text given for tests); 0 when absent.
double memory_gb_from_meminfo(const std::string& meminfo);

}  // namespace compss::sched
