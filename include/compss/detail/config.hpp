// Runtime configuration read from the environment (shared by the sequential and the
// COMPSs build so both see the same number of resources).
#pragma once

#include <compss/detail/whole_number.hpp>
#include <compss/error.hpp>

#include <cstdlib>
#include <thread>

namespace compss::detail {

/// The limits of the whole numbers a run is configured with, checked once: compss-run
/// checks its options and the XML files against them before it starts anything, and the
/// master and the workers accept exactly the same values from their variables.
/// Task slots of one process: COMPSS_THREADS, COMPSS_MASTER_CORES, --master-cores.
inline constexpr unsigned max_threads = 4096;
/// Task slots of a worker: COMPSS_WORKER_CORES, --worker-cores, the XML's ComputingUnits
/// (summed over a node's processors) and LimitOfTasks.
inline constexpr unsigned max_worker_cores = 65536;
/// Workers of one run (COMPSS_WORKERS_EXPECTED, --workers, --hosts, XML nodes, Slurm
/// nodes). Nothing in the master caps it (node sets grow as needed); the bound keeps a
/// mistyped count from starting thousands of processes, and the master's cost with it:
/// per worker two threads (its link's receiver and watcher) and two or more sockets
/// (docs/distributed.md, "How many workers").
inline constexpr unsigned max_workers = 1024;
/// Seconds the master waits for its workers at start (COMPSS_CONNECT_TIMEOUT).
inline constexpr unsigned max_connect_timeout = 86400;
/// Seconds without a word from a worker before it is declared lost (COMPSS_WORKER_TIMEOUT;
/// 0 = never).
inline constexpr unsigned max_worker_timeout = 86400;
/// Seconds a task that timed out on a worker may take to return before its worker is
/// restarted (COMPSS_TIMEOUT_GRACE, compss-run --timeout-grace).
inline constexpr unsigned max_timeout_grace = 86400;

/// Parses a COMPSS_THREADS value: null or empty means "all cores"; anything else must be a
/// whole number from 1 to max_threads, or compss::Error is thrown.
///
///   unsigned n = compss::detail::parse_thread_count(std::getenv("COMPSS_THREADS"));
inline unsigned parse_thread_count(const char* value) {
  if (value == nullptr || *value == '\0') {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }
  return static_cast<unsigned>(whole_number_variable("COMPSS_THREADS", value, 1, max_threads));
}

/// The thread count from the environment, or all cores when COMPSS_THREADS is unset.
/// Throws compss::Error on a malformed value.
///
///   unsigned n = compss::detail::thread_count_from_env();
inline unsigned thread_count_from_env() { return parse_thread_count(std::getenv("COMPSS_THREADS")); }

}  // namespace compss::detail
