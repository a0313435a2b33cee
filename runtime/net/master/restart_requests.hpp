// RestartRequests: how the master asks compss-run to restart a worker whose task timed out
// and did not return within the grace period (its thread cannot be stopped: only the
// process can), and which late Hellos are those restarted workers coming back
// (docs/failures.md, "Restarting a worker"). compss-run passes one end of a Unix socket
// pair as COMPSS_WORKER_RESTART_FD; the master writes "restart <name>\n" on it. The
// program's request_resources asks on the same socket for new workers: "add <name>\n"
// (docs/distributed.md, "Elasticity and snapshots").
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace compss::net {

/// Thread-safe (one mutex, a leaf: nothing is called with it held).
///
///   RestartRequests restarts(config.worker_restart_fd, 256);
///   if (restarts.request("localhost-2")) { ... the worker is killed and started again ... }
///   ... on a late Hello: if (restarts.take_rejoin(hello.node_name)) admit it
class RestartRequests {
 public:
  /// `fd`: the master's end (owned, closed by the destructor; -1: no compss-run, every
  /// request fails). `limit`: restarts a run may ask for at most.
  RestartRequests(int fd, std::size_t limit);
  ~RestartRequests();
  RestartRequests(const RestartRequests&) = delete;
  RestartRequests& operator=(const RestartRequests&) = delete;

  /// Asks compss-run to kill the worker named `name` and start it again. False, with the
  /// reason in `why`, when it cannot be asked (no compss-run, the limit reached, compss-run
  /// gone); else the next Hello of that name is expected (take_rejoin).
  bool request(const std::string& name, std::string& why);

  /// True, once per request, when a worker named `name` that connects after the start is
  /// a restarted one (else it is refused, as any late worker).
  bool take_rejoin(const std::string& name);

  /// Asks compss-run to start one more worker, named `name` (request_resources). False,
  /// with the reason in `why`, as request; else the Hello of that name is expected
  /// (take_added). Additions count against the same limit as restarts (node slots).
  bool request_new(const std::string& name, std::string& why);

  /// True, once per request_new, when a worker named `name` that connects after the start
  /// is one that was asked for.
  bool take_added(const std::string& name);

  /// Whether a restarted worker's Hello is still expected (a restart asked for, its
  /// worker not joined yet).
  bool awaiting_rejoin();

  /// The worker named `name` left the run on purpose (free_resources): a restart asked for
  /// it is not awaited any more (its Hello is refused, as any late worker's).
  void forget_rejoin(const std::string& name);

  /// free_resources: up to `n` workers asked for (request_new) that have not said Hello
  /// yet are not awaited any more (their Hello is refused, so their processes end), the
  /// most recently asked for first. Returns how many were.
  unsigned cancel_additions(unsigned n);

 private:
  /// Writes "<verb> <name>\n" (mutex_ held); false with `why` when it cannot
  /// (`no_compss_run`: the reason without compss-run's socket).
  bool ask(const char* verb, const std::string& name, const char* no_compss_run, std::string& why);
  
  std::mutex mutex_;
  int fd_;
  std::size_t limit_;
  std::size_t asked_ = 0;                    // guarded by mutex_
  std::map<std::string, unsigned> expected_;  // guarded by mutex_: name -> rejoins expected
  std::map<std::string, unsigned> added_;     // guarded by mutex_: name -> additions expected
  std::vector<std::string> added_order_;      // guarded by mutex_: the names asked for, in order
};

}  // namespace compss::net
