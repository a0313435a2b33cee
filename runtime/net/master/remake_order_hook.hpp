// Test only: a hook that lets a unit test order the threads of a remake in a real
// Cluster (tests/unit/test_net_master.cpp, ClusterRemake.*): which thread starts a
// remake first cannot be fixed from outside. Empty (nothing called, one test of an
// empty std::function) unless a test sets it; never set in a run that matters.
// Thread-safety: set before the run starts and cleared after it ended (not while threads
// may call it); the function itself must be safe to call from any thread at once.
#pragma once

#include <functional>
#include <string_view>

namespace compss::net::remake_order_hook {

/// Called (when set) at these points, with their names:
///   "lost inputs"    an ordinary call found inputs lost with their workers, before it
///                    gives its node back (AttemptDriver::send, on the thread that built it);
///   "replica builds" a replica's request build that may wait for remakes begins
///                    (Cluster::send_replica on the lane, parked: the lane may grow);
///   "remake waits"   a remake was not placed at once and waits for its placement
///                    (Cluster::choose_remake_worker).
/// It may block (the calling thread waits, nothing is held but what the point names).
inline std::function<void(std::string_view point)> hook;

inline void at(std::string_view point) {
  if (hook) hook(point);
}

}  // namespace compss::net::remake_order_hook
