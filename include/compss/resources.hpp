// Elasticity and snapshots: request_resources, free_resources, snapshot (SPEC section 4;
// docs/distributed.md, "Elasticity and snapshots"). Without `__COMPSS__` (a plain
// sequential build) they check their argument and do nothing else: a sequential program
// has no workers to add or free, and its data are always in its own memory.
#pragma once

#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>

#include <string>

namespace compss {

namespace detail {
/// Throws compss::Error for a negative count (the same in every build).
inline void check_resource_count(const char* function, int n) {
  if (n < 0)
    throw Error(std::string("compss::") + function + "(" + std::to_string(n) +
                "): the number of resources must be 0 or more");
}
}  // namespace detail

/// Asks for `n` more worker nodes. Under compss-run --workers N, compss-run starts `n`
/// more local worker processes; they join the run a moment later (the call does not wait
/// for them) and take tasks from then on; number_of_resources() counts them once joined.
/// With --hosts, the XML files or Slurm every listed host runs a worker already: nothing
/// is added and compss-run says why. In a local run (no compss-run) there is no worker to
/// add: it returns (COMPSS_LOG_LEVEL=debug says so). Throws compss::Error for n < 0.
///
///   compss::request_resources(2);   // two more workers are on their way
inline void request_resources(int n) {
  detail::check_resource_count("request_resources", n);
#ifdef __COMPSS__
  detail::request_resources(static_cast<unsigned>(n));
#endif
}

/// Retires `n` workers (the most recently joined first; never the master's node). Under
/// compss-run it waits, as barrier() does, for the tasks submitted so far and brings
/// every datum's latest value to the master, then stops the retired workers' processes:
/// nothing they held is lost. Asking for more than the live workers frees them all, with a
/// warning. In a local run (no workers) it does nothing. Throws compss::Error for n < 0,
/// and, as barrier(), when a task has failed.
///
///   compss::free_resources(1);      // one worker fewer from now on
inline void free_resources(int n) {
  detail::check_resource_count("free_resources", n);
#ifdef __COMPSS__
  detail::free_resources(static_cast<unsigned>(n));
#endif
}

/// A consistency point: waits for every task submitted so far and brings the latest
/// value of every datum (objects, futures, files) to the master, so that losing any
/// worker afterwards loses nothing (no task is made again for what was produced before).
/// It writes no checkpoint to disk: a new run starts from the beginning (unlike COMPSs'
/// checkpointing, docs/distributed.md says what differs). Throws compss::Error when a task
/// has failed.
///
///   for (int it = 0; it < steps; ++it) { step(grid); if (it % 10 == 9) compss::snapshot(); }
inline void snapshot() {
#ifdef __COMPSS__
  detail::snapshot();
#endif
}

}  // namespace compss
