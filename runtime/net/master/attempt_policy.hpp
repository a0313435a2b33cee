// AttemptPolicy: what the master does with a worker's answer to one attempt of a task
// (net::Cluster's dispatch applies it; docs/failures.md, docs/distributed.md "Failures").
// It decides only: record the outputs, send the attempt again after a pause (an input went
// missing), fail it (its task's on_failure policy then decides, in the Runtime), fail it
// for good (its workers keep dying under it), or place it again elsewhere (its worker was
// lost). The bookkeeping across an attempt's placements is its AttemptHistory.
#pragma once

#include "core/failure_log.hpp"
#include "net/worker_link.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace compss::net {

/// What one task's attempt carries from one placement to the next (kept in the dispatch's
/// Call; owned by whichever thread holds the Call: no lock).
struct AttemptHistory {
  int avoid = -1;          ///< a node it failed on: its retry goes elsewhere when it can
  int missing_tries = 0;   ///< answers "an input went missing" so far
  bool keep_missing_tries = false;  ///< placed again after such an answer's pause
  /// The workers that died while they were running it (CallResult::was_running), as
  /// "worker N (name): why".
  std::vector<std::string> killed_workers;
};

/// One answer's consequence.
struct AnswerStep {
  enum class Kind {
    record_outputs,      ///< done: record its outputs, the attempt succeeded
    resend_after_pause,  ///< an input went missing: give the node back, place again after `pause`
    fail,                ///< failed on the worker: the task's policy decides (`error`)
    fail_group,          ///< a compss::Exception in a task group: cancels the group (`error`)
    fail_not_retried,    ///< its workers died under it too often: fails whatever its policy
    place_elsewhere,     ///< lost with its worker: placed again avoiding `avoid` (not a failure)
  } kind = Kind::record_outputs;
  std::chrono::milliseconds pause{0};  ///< resend_after_pause, place_elsewhere: wait first
  int avoid = -1;                      ///< place_elsewhere: the lost node
  rt::TaskError error;                 ///< fail, fail_group, fail_not_retried
};

/// Stateless but for its limits (thread-safe: const).
///
///   AttemptPolicy policy;
///   AnswerStep s = policy.on_answer(call->history, result, {n, link.name(), retry, in_group, link.alive()});
///   if (s.kind == AnswerStep::Kind::place_elsewhere) replace(call, s.avoid);
class AttemptPolicy {
 public:
  struct Limits {
    /// Answers "an input went missing" an attempt (or a replica) is sent again after, at most.
    int max_missing_tries = 50;
    /// A task is run on at most this many workers that die while running it: at that death
    /// it fails (compss::WorkerLost, not retried whatever its policy) instead of going to
    /// the next worker, because the task itself is the likely cause (a crash, a SIGKILL,
    /// the OOM killer) and would take every worker down. A worker that dies while the task
    /// only waited in its queue does not count.
    std::size_t max_workers_killed = 2;
    /// The pause after a send that failed while the receiver had not yet seen the
    /// connection end: once it has, the worker is out of the scheduler.
    std::chrono::milliseconds lost_notice_pause{10};
  };

  /// Where the answer came from.
  struct From {
    int node = 0;
    std::string worker_name;
    bool retry_elsewhere = false;  ///< the task's on_failure is retry
    bool in_group = false;         ///< the task belongs to a task group
    bool link_alive = false;       ///< its WorkerLink has not seen the connection end yet
  };

  AttemptPolicy() = default;
  explicit AttemptPolicy(Limits limits) : limits_(limits) {}

  /// The pause before the resend after `tries_so_far` "input missing" answers: grows from
  /// 20 to 200 ms, then starts over.
  static std::chrono::milliseconds missing_pause(int tries_so_far);

  /// Decides what the answer `r` to the attempt means, updating its history (missing
  /// tries, killed workers, the node to avoid).
  AnswerStep on_answer(AttemptHistory& h, const CallResult& r, const From& from) const;

  /// The attempt was placed again: its "input missing" count starts over (its inputs'
  /// holders changed), unless it was placed again only to wait out such a pause.
  void placed_again(AttemptHistory& h) const noexcept;

  /// A replicated call's replica answered `exception_type` after `tries_so_far` resends:
  /// true when it is sent again (after missing_pause) instead of failing.
  bool resend_replica(const std::string& exception_type, int tries_so_far) const noexcept;

  const Limits& limits() const noexcept { return limits_; }

 private:
  Limits limits_;
};

}  // namespace compss::net
