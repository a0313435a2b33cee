// AttemptDriver: the dispatch steps of a task's attempts on the master's side of a
// master-worker run (docs/architecture.md, "net/master/"). The scheduler placed a task on a
// worker: `start` begins its first attempt, `send` builds and sends one attempt (or moves
// it to the blocking lane, or to the master), `answered` takes the worker's answer and
// applies the AttemptPolicy to it, `conclude` ends the attempt in the Runtime, `replace`
// gives its node back and has it placed again. It knows the rest of the run only through
// three narrow interfaces, which net::Cluster implements (and the unit tests fake):
//   AttemptRuntime   the Runtime's steps of an attempt and its task events;
//   AttemptData      what the data plane does with an answer;
//   AttemptCluster   placement (the scheduler), the workers' RemoteExecutors, the
//                    master's node, gangs, the lane and timers.
// Replicated calls keep their own steps in net::Cluster (cluster.cpp, start_replica...).
#pragma once

#include "core/runtime.hpp"
#include "net/data_directory.hpp"
#include "net/attempt_files.hpp"
#include "net/master/attempt_policy.hpp"
#include "net/master/remote_attempt.hpp"
#include "net/master/remote_executor.hpp"
#include "net/unanswered_files.hpp"

#include <compss/this_task.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace compss::net {

/// The Runtime's side of an attempt (rt::Runtime's steps of a body that runs elsewhere,
/// core/runtime.hpp) and its task events (RemoteEvents). Called from any dispatch thread:
/// thread-safe.
class AttemptRuntime {
 public:
  using Deadline = rt::Watchdog::Clock::time_point;
  virtual ~AttemptRuntime() = default;
  virtual bool cancelled_before_start(detail::TaskBase* t) = 0;
  virtual Deadline begin_attempt(detail::TaskBase* t) = 0;
  virtual bool withdraw_attempt(detail::TaskBase* t, Deadline deadline) = 0;
  /// rt::Runtime::disarm_attempt: false when the time-out had fired (the task ends timed out).
  virtual bool disarm_attempt(detail::TaskBase* t, Deadline& deadline, double time_out) = 0;
  virtual rt::Runtime::AfterAttempt end_attempt(detail::TaskBase* t, Deadline deadline,
                                                rt::Runtime::Outcome outcome,
                                                const rt::TaskError& error, rt::EventTime ended_at) = 0;
  /// Completes the task (successors ready; Backend::finished gives its reservation back).
  virtual void finish(detail::TaskBase* t) = 0;
  /// True while task observers are installed.
  virtual bool observed() = 0;
  virtual void notify_started(const detail::TaskBase& t, const rt::Allocation& where, rt::EventTime at) = 0;
  /// Tells the observers that the scheduler placed `t` on node `n` at `at` (TaskPlaced).
  virtual void notify_placed(const detail::TaskBase& t, int n, unsigned computing_units, rt::EventTime at) = 0;
  /// rt::Runtime::failed: the run failed (no task starts any more).
  virtual bool failed() = 0;
  /// RemoteEvents::answered: tells the answer's events, returns when the body ended.
  virtual rt::EventTime answered(const detail::TaskBase& t, int node, const TaskRequest& request,
                                 const WorkerTimes& times, rt::EventTime sent_at,
                                 rt::EventTime answered_at, bool started_told) = 0;
};

/// What the data plane does for the dispatch (DataPlane, net/master/data_plane.hpp).
/// Thread-safe.
class AttemptData {
 public:
  virtual ~AttemptData() = default;
  /// DataPlane::record_outputs (throws when a value cannot be loaded).
  virtual void record_outputs(detail::TaskBase* t, int n, std::shared_ptr<const TaskRecord> record,
                              TaskDone& done, bool ignored_failure) = 0;
  /// DataPlane::discard_late_outputs: a done answer the master no longer records (the
  /// attempt timed out); its outputs must never be read on `n`.
  virtual void discard_late_outputs(int n, const TaskRecord& record, const TaskDone& done) = 0;
  /// DataPlane::keep_group_exception_writes: messages of the files it could not keep
  /// (throws when their versions cannot be recorded). May block on the disk.
  virtual std::vector<std::string> keep_group_exception_writes(detail::TaskBase*, int, const TaskRequest&,
                                                               const TaskFailed*) {
    return {};
  }
  /// DataPlane::globals_missing.
  virtual void globals_missing(const detail::TaskBase& t, int n) = 0;
  /// DataPlane::make_available (blocks; throws when a version cannot be made again).
  virtual void make_available(std::span<const std::pair<std::uint64_t, std::uint64_t>> versions) = 0;
};

/// The cluster around the dispatch: placement through the scheduler, the workers, the
/// master's node, gangs, the blocking lane and timers. Thread-safe.
class AttemptCluster {
 public:
  virtual ~AttemptCluster() = default;
  /// The RemoteExecutor of worker `n` (> 0, a node that exists).
  virtual RemoteExecutor& worker(int n) = 0;
  /// Hands `t` (its attempt parked in the driver's MovingAttempts, if any) to the
  /// scheduler, avoiding node `avoid`; a task no live node can run fails.
  virtual void place(detail::TaskBase* t, int avoid = -1) = 0;
  /// Gives back the reservation `t` holds on node `n`; true if it held one.
  virtual bool release_placement(const detail::TaskBase* t, int n) = 0;
  /// Runs `t` on the master's executor with what was reserved there; `placed_at`: when
  /// it was placed there (TaskPlaced, told once its inputs are found; 0: not told).
  virtual void run_on_master(detail::TaskBase* t, unsigned computing_units, unsigned gpus,
                             rt::EventTime placed_at) = 0;
  /// False when a node of the gang `t` placed on `n` was lost (placed again); else the
  /// gang is recorded as started. True for a task on one node.
  virtual bool gang_may_start(const detail::TaskBase* t, int n) = 0;
  /// The gang `t` runs nowhere for a while (a resend's pause): a loss must not stop it.
  virtual void gang_paused(const detail::TaskBase* t) = 0;
  /// The gang's hosts of `t` placed on `n` (logged when not empty); empty for one node.
  virtual std::vector<detail::TaskHost> gang_hosts(const detail::TaskBase* t, int n) = 0;
  /// The worker answered `t` (or was lost) after its time-out: nothing to restart for it.
  virtual void returned_after_time_out(const detail::TaskBase* t) = 0;
  /// Runs `job` on the blocking lane (dropped once the run is over).
  virtual void post(std::function<void()> job) = 0;
  /// Runs `job` on the blocking lane after `delay` (no thread sleeps through it).
  virtual void after(std::chrono::milliseconds delay, std::function<void()> job) = 0;
  /// Runs `job` on the timer thread after `delay` (it must not block).
  virtual void on_timer(std::chrono::milliseconds delay, std::function<void()> job) = 0;
};

/// Thread-safe: its state is the MovingAttempts and UnansweredFiles (leaf locks) and the
/// const policy; an attempt (RemoteAttempt) belongs to the one thread holding its
/// shared_ptr. It takes no
/// lock of its own around the calls it makes, so it adds nothing to the cluster's lock
/// order (scheduler, Cluster::sched_mutex_, the data plane's): it is never called with one
/// of those held, and it calls the interfaces with none held.
///
///   AttemptDriver driver(runtime, data, cluster);
///   // the scheduler placed t on worker n:
///   if (!driver.resume(t, n, cu, gpus)) driver.start(t, n, cu, gpus);
class AttemptDriver {
 public:
  using Call = RemoteAttempt;

  AttemptDriver(AttemptRuntime& runtime, AttemptData& data, AttemptCluster& cluster,
                AttemptPolicy policy = {})
      : runtime_(runtime), data_(data), cluster_(cluster), attempts_(policy) {}

  /// Starts the task's run on its worker (`n` > 0): the policy's first attempt.
  /// `placed_at`: when the scheduler placed it (task events; 0: not told). Its `placed`
  /// is told once its inputs are found (send), never for a placement given back before
  /// it started (its inputs to be made again, a gang's node lost).
  void start(detail::TaskBase* t, int n, unsigned computing_units, unsigned gpus, rt::EventTime placed_at = 0);
  /// The scheduler placed `t` on node `n`: when an attempt of it was parked (it moves),
  /// it goes on there (true); false when none was (a first placement). Once the run has
  /// failed, a parked attempt is not sent: the task ends cancelled (ended_as_run_failed).
  bool resume(detail::TaskBase* t, int n, unsigned computing_units, unsigned gpus, rt::EventTime placed_at = 0);
  /// Builds and sends one attempt to call->node. Without `may_block`, work that would
  /// wait on the network moves to the blocking lane.
  void send(std::shared_ptr<Call> call, bool may_block);
  /// The worker answered (or was lost): outputs recorded, then the policy decides.
  void answered(std::shared_ptr<Call> call, int node, const SentRequest& sent, CallResult&& result);
  /// `t` raised compss::Exception in a group on worker `n`: keeps what it wrote
  /// (AttemptData::keep_group_exception_writes), then concludes the attempt with `error`
  /// (a clear failure, not retried, when the kept files' versions cannot be recorded).
  /// Blocks on the disk: on the lane.
  void keep_group_writes(std::shared_ptr<Call> call, int n, const TaskRequest& request,
                         const TaskFailed* failed, const rt::TaskError& error, rt::EventTime ended_at);
  /// A failed answer whose ignore body's writes are not recorded (a replica's too): what
  /// the worker stored for them is released there. Nothing for any other answer.
  void discard_failed_writes(int n, const SentRequest& sent, CallResult& r);
  /// Applies the policy to an attempt's outcome: finish, send again, or let go.
  /// (`ended_at`: for task events, when it ended on its worker; 0 = now.)
  void conclude(std::shared_ptr<Call> call, rt::Runtime::Outcome outcome, const rt::TaskError& err,
                rt::EventTime ended_at = 0);
  /// The attempt leaves its node (a failure to retry elsewhere, a lost worker): its
  /// reservation is given back and it is placed again (avoiding `avoid`).
  void replace(std::shared_ptr<Call> call, int avoid);
  /// Makes `lost` (inputs of the call's task no node holds) available again, then places
  /// the call again (its node was given back first); on failure the attempt fails. When
  /// the run has already failed, nothing is made again (ended_as_run_failed). Blocks: on
  /// the lane.
  void remake_then_place(std::shared_ptr<Call> call,
                         std::vector<std::pair<std::uint64_t, std::uint64_t>> lost);

  /// Attempts that left their node, until the scheduler places them again.
  MovingAttempts& moving() noexcept { return moving_; }
  /// The private files of the requests sent and not answered yet (removed at a run's end
  /// that does not wait for them: Cluster::tell_run_ended).
  UnansweredFiles& unanswered_files() noexcept { return unanswered_; }
  const AttemptPolicy& policy() const noexcept { return attempts_; }

 private:
  /// When the run has failed: takes the attempt back and skips the task (reported
  /// cancelled; finish() gives back the placement task_state(t).node holds), or ends it
  /// timed out when its time-out had fired; true then (the call is gone). False when the
  /// run has not failed (or the task is not seen cancelled: its attempt begun again).
  bool ended_as_run_failed(std::shared_ptr<Call>& call);
  /// Takes back the attempt begun for a body that will not run on a worker: false when
  /// its time-out had fired (it then ended timed out, as the watchdog ends it).
  bool withdrawn(std::shared_ptr<Call>& call);
  /// Records what an answer carries (a success's outputs, or what an on_failure(ignore)
  /// body wrote before it threw) and keeps its private files: true. False when the call
  /// was concluded instead (its time-out fired first: the outputs released as a late
  /// answer's; or they could not be loaded: the attempt failed).
  bool record_answer_outputs(std::shared_ptr<Call>& call, int n, const SentRequest& sent, TaskDone& done,
                             attempt_files::RemovedUnlessKept& files, bool ignored_failure = false);
  /// True for a failed answer whose body's writes stand: on_failure(ignore), values sent.
  static bool keeps_failed_writes(const detail::TaskBase& t, const CallResult& r);

  AttemptRuntime& runtime_;
  AttemptData& data_;
  AttemptCluster& cluster_;
  /// Attempts that left their node, until the scheduler places them again (its own leaf
  /// lock).
  MovingAttempts moving_;
  /// Its own leaf lock (and no lock while no request names private files).
  UnansweredFiles unanswered_;
  /// What an attempt's answer means (send again, fail, place elsewhere): const.
  const AttemptPolicy attempts_;
};

}  // namespace compss::net
