// The runtime object: registry, task submission and completion, waits, failures.
#pragma once

#include "core/backend.hpp"
#include "core/events.hpp"
#include "core/failure_log.hpp"
#include "core/graph.hpp"
#include "core/groups.hpp"
#include "core/progress.hpp"
#include "core/registry.hpp"
#include "core/task_executor.hpp"
#include "core/watchdog.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace compss::rt {

class Runtime;
struct TraceRecord;  // core/trace_buffer.hpp
/// Builds the executor of this process's cores for the runtime (core/task_executor.hpp):
/// whoever builds the Runtime chooses (local/make_runtime.hpp: a LocalExecutor).
using ExecutorFactory = std::function<std::unique_ptr<TaskExecutor>(Runtime&)>;
/// Builds the runtime's backend once its executor exists (runtime/launch.cpp chooses).
using BackendFactory = std::function<std::unique_ptr<Backend>(Runtime&, TaskExecutor&)>;

/// The time_out (seconds, 0: none) of running implementation `version` of `t` (0: the
/// task itself, i > 0: its version i - 1): the version's own, else the task's.
inline double time_out_of(const detail::TaskBase& t, std::uint32_t version) noexcept {
  const double own = version == 0 ? 0 : t.spec().versions[version - 1]->time_out;
  return own > 0 ? own : t.spec().time_out;
}

/// The time_out of a task's attempt (seconds, 0: none): the implementation the scheduler
/// chose for it (t.implementation), as time_out_of. Read only by the thread that set it.
inline double attempt_time_out(const detail::TaskBase& t) noexcept {
  return time_out_of(t, t.implementation);
}

/// While alive, this thread counts as running a task body (compss::detail::in_task()): a
/// task it calls runs inline. For a body the runtime does not run itself (the master
/// running a lost version's producer again, net/cluster.cpp). Scopes nest.
class InTaskScope {
 public:
  InTaskScope() noexcept;
  ~InTaskScope();
  InTaskScope(const InTaskScope&) = delete;
  InTaskScope& operator=(const InTaskScope&) = delete;

 private:
  bool outer_;
};

/// The runtime of this process: the data registry, task submission and completion, waits,
/// failure policies, task events. Where ready tasks run is its Backend's business
/// (core/backend.hpp), and this process's tasks run on the TaskExecutor it is given
/// (core/task_executor.hpp); core/ includes nothing of the network or of local/.
class Runtime {
 public:
  /// `progress`: show the progress line (COMPSS_PROGRESS). The executor is made first,
  /// then the backend over it (local/make_runtime.hpp wires a LocalExecutor). Throws what
  /// the factories throw (a cluster that cannot listen).
  Runtime(bool progress, const ExecutorFactory& make_executor, const BackendFactory& make_backend);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Registers the task's accesses and schedules it once its predecessors finish.
  void submit(TaskBase* task);

  /// Runs `task` and then, while finishing tasks make successors ready, one of them on the
  /// same thread (the others go to the executor). Called on worker threads.
  void execute_chain(TaskBase* task) noexcept;
  /// Runs `task` and finishes it; returns a successor it made ready, to run next on this
  /// thread (or null). execute_chain is this in a loop; the master's constrained tasks
  /// (local/constrained.hpp) release their reservation between the two.
  TaskBase* execute_one(TaskBase* task) noexcept;

  /// Waits for every unfinished task that accesses the datum(s) (with `writers_only`,
  /// only for those that may write it).
  void wait_key(const DataKey& key, bool writers_only = false);

  /// Forgets a datum (delete_object, delete_file); see Registry::drop.
  void drop(const DataKey& key);
  void wait_range(std::uintptr_t begin, std::size_t count, std::size_t stride);

  /// Waits until no task is in flight (does not throw).
  void wait_all() noexcept;

  /// Records a task failure (the first one wins) and stops starting tasks.
  void record_failure(const TaskBase& task, const char* what);
  /// Stops starting tasks without a task failure (e.g. main threw).
  void cancel(const std::string& why);
  void throw_if_failed();
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }

  unsigned threads() const noexcept { return executor_->threads(); }
  /// The key its executor keeps threads' slots under (thread_slot.of), as read once.
  std::uint64_t slot_key() const noexcept { return slot_key_; }

  // ---- task events (core/events.hpp; docs/architecture.md "Task events") ---------------
  /// The observers of this runtime: add one to receive task events. With none installed,
  /// each event site costs one relaxed atomic load.
  Observers& events() noexcept { return events_; }
  /// Tells the observers that the attempt begun last (begin_attempt) started on `where`
  /// at `time` (a body running elsewhere: net/cluster.cpp; here, run_task does it).
  void notify_started(const TaskBase& task, const Allocation& where, EventTime time) noexcept;
  /// The datum's (or the objects in the range's) id and latest version, for a wait's
  /// event (RuntimeActivity::data); nothing for data no task touched.
  std::vector<DataAccess> latest_versions(const DataKey& key);
  std::vector<DataAccess> latest_versions(std::uintptr_t begin, std::size_t count, std::size_t stride);

  // ---- where tasks run (core/backend.hpp) -----------------------------------------------
  Backend& backend() noexcept { return *backend_; }
  /// Backend::all_local(), read once: the local fast path (no backend call per task).
  bool all_local() const noexcept { return all_local_; }
  /// A task whose predecessors finished: to the backend, or (all local) the executor.
  void make_ready(TaskBase* task);

  // ---- failure policies, time-outs, groups (core/failure_policy.cpp) --------------------
  /// Runs `task` under its on_failure policy and time-out, or skips it if it is cancelled.
  /// False when the watchdog has already finished it (timed out): the caller must not.
  bool run_task(TaskBase* task) noexcept;

  // The same policy in steps, for a body that runs elsewhere (net/cluster.cpp): a cancelled
  // task is skipped; each attempt is begun and ended; the outcome decides what follows.
  //
  //   if (rt.cancelled_before_start(t)) { rt.finish(t); return; }
  //   auto deadline = rt.begin_attempt(t);
  //   ... the body runs on a worker ...
  //   switch (rt.end_attempt(t, deadline, Runtime::Outcome::ok, {})) { ... }
  /// How one run of a body ended. `failed_not_retried`: failed in a way another attempt
  /// would repeat with more harm (it killed its workers): its policy applies as for the
  /// last attempt of `retry`.
  enum class Outcome { ok, failed, failed_not_retried, group_exception };
  /// What the caller does next: finish the task, run the body again, or nothing (the
  /// watchdog, or disarm_attempt, finished it timed out meanwhile; a late answer is discarded).
  enum class AfterAttempt { finish, again, abandoned };
  static constexpr Watchdog::Clock::time_point no_deadline = Watchdog::Clock::time_point::max();
  /// True when the task must not start (the application stops, its group was cancelled,
  /// it reads a value never produced): it was reported and its outputs marked; finish it.
  bool cancelled_before_start(TaskBase* task) noexcept;
  /// Counts an attempt and arms its time-out (attempt_time_out); returns the deadline for
  /// end_attempt.
  Watchdog::Clock::time_point begin_attempt(TaskBase* task) noexcept;
  /// The same with the attempt's time-out given (seconds, 0: none): a replicated call's
  /// replicas run different versions while task->implementation stays 0.
  Watchdog::Clock::time_point begin_attempt(TaskBase* task, double time_out) noexcept;
  /// Disarms the time-out and applies the policy to the attempt's outcome.
  /// Tells observers the attempt ended (`ended_at`: when, 0 = now).
  AfterAttempt end_attempt(TaskBase* task, Watchdog::Clock::time_point deadline, Outcome outcome,
                           const TaskError& error, EventTime ended_at = 0) noexcept;
  /// Runs the body once on this thread, outside any attempt (an exception becomes `error`
  /// and a failed outcome): the master's replica of a replicated task, whose attempt
  /// spans every node's run (net/cluster.cpp).
  Outcome run_body_once(TaskBase* task, TaskError& error) noexcept { return run_body_here(task, error); }
  /// Takes back an attempt begun for a body that will not run where it was meant to (the
  /// task goes to the executor, which begins its own). False when its time-out already
  /// fired: then end the attempt with end_attempt as usual.
  bool withdraw_attempt(TaskBase* task, Watchdog::Clock::time_point deadline) noexcept;
  /// Disarms the time-out of an attempt whose body ran elsewhere (armed for `time_out`
  /// seconds; its answer arrived), the attempt still counted; `deadline` becomes
  /// no_deadline. False when the time-out had fired: the task ends timed out, never
  /// retried, finished once, by whichever claims it first: the watchdog (on_time_out:
  /// report "timed out after T s (time_out); its thread still runs it", counted in
  /// abandoned() until end_attempt) or this call (report "timed out after T s (time_out);
  /// it had not answered by then", not counted: its body ended); the same failure record,
  /// timed_out event and policy either way. The caller records nothing of the answer and
  /// ends the attempt with end_attempt, `deadline` kept (it returns abandoned). (Also for
  /// an attempt whose withdraw_attempt found the time-out fired: it then ends timed out.)
  bool disarm_attempt(TaskBase* task, Watchdog::Clock::time_point& deadline, double time_out) noexcept;
  /// Completes a task that ran: the backend's bookkeeping, successors, groups, waiters.
  /// Returns one ready successor to run on this thread (only when all_local()).
  TaskBase* finish(TaskBase* task) noexcept;
  /// The watchdog's verdict on a task whose deadline passed (armed for `time_out` seconds:
  /// the watchdog thread never reads task->implementation, which its runner may change).
  void on_time_out(TaskBase* task, double time_out) noexcept;
  /// Something needs checking before tasks start (a failure, a cancellation).
  void pay_attention() noexcept { attention_.store(true, std::memory_order_release); }
  FailureLog& failures() noexcept { return failures_; }
  GroupTable& groups() noexcept { return groups_; }
  /// At the end of run_main: if timed-out tasks still run, publishes the report and ends
  /// the process with `code` (their threads cannot be joined).
  void exit_if_abandoned(int code) noexcept;
  /// Timed-out tasks whose threads are still running their body.
  std::int32_t abandoned() const noexcept { return abandoned_.load(std::memory_order_acquire); }
  std::size_t registry_size();

 private:
  /// Runs `sync` (the backend bringing data to this process); an error it throws after
  /// the run failed becomes the run's failure (throw_if_failed).
  template <class Sync>
  void rethrowing_the_run_failure(Sync&& sync);
  /// execute_chain, or with `only_first` execute_one: returns the successor not run.
  TaskBase* run_chain(TaskBase* task, bool only_first) noexcept;
  /// Runs the body on this thread; an exception becomes `error` and a failed outcome.
  Outcome run_body_here(TaskBase* task, TaskError& error) noexcept;
  bool skip_if_cancelled(TaskBase* task) noexcept;
  /// An attempt's start not told yet (run_task: traced alone, without a time-out): the
  /// trace writes it with the attempt's end, in one record (TraceRecords::ran).
  struct StartStamp {
    const Observers::Snapshot* ev = nullptr;  // what was installed (records set, no others)
    EventTime time = 0;                       // ev->now() when it started
    unsigned slot = 0;
  };
  /// One attempt of run_task while observers are installed (`ev`): the body between its
  /// events (out of line: the unobserved attempt carries no trace of them).
  [[gnu::noinline]] AfterAttempt run_observed_attempt(TaskBase* task, Watchdog::Clock::time_point deadline,
                                                      const Observers::Snapshot& ev) noexcept;
  /// end_attempt without the event: what the task's policy makes of the attempt.
  AfterAttempt apply_policy(TaskBase* task, Watchdog::Clock::time_point deadline, Outcome outcome,
                            const TaskError& error) noexcept;
  void settle_failure(TaskBase* task, bool timed_out, const TaskError& error) noexcept;
  /// The timed-out verdict of the claim's winner (on_time_out, disarm_attempt): the report
  /// "timed out after `time_out` s (time_out); `why`", its policy, event and finish.
  void end_timed_out(TaskBase* task, double time_out, const char* why) noexcept;
  void wait_tasks(std::vector<TaskBase*>& tasks);
  /// submit, with (`observed`) or without the task events: two instances, so the
  /// unobserved one carries no trace of them.
  template <bool observed>
  void submit_impl(TaskBase* task);
  // Task events, called only when observers are installed (`ev`: what is installed, read
  // once per event site: core/events.hpp). Each tells the trace's records directly and the
  // other observers through their list.
  /// Tell the event with the time `time` (an ev.now() read just before; for ready, 0:
  /// read it now). `submission_begin`: TaskSubmitted's (0 inside a task). notify_submitted
  /// returns the trace's record into which the submission's end goes (null: none).
  TraceRecord* notify_submitted(const Observers::Snapshot& ev, const TaskBase* task, const std::vector<Dependency>& dependencies,
                        EventTime submission_begin, EventTime time) noexcept;
  void notify_ready(const Observers::Snapshot& ev, const TaskBase* task, EventTime time = 0) noexcept;
  /// (`tsc`: `time` is a counter stamp, ev.now() of a snapshot whose `tsc` is set.)
  void notify_started(const Observers::Snapshot& ev, const TaskBase& task, const Allocation& where, EventTime time,
                      bool tsc) noexcept;
  /// (`time`: an event time, or 0: now. `error`: what went wrong, for a failed or timed-out attempt.)
  /// (`started`: the attempt's start, not told yet, or null.)
  void notify_ended(const TaskBase* task, TaskOutcome outcome, bool will_retry, EventTime time,
                    const TaskError* error = nullptr, const StartStamp* started = nullptr) noexcept;

  Observers events_;  // first: outlives everything that may still send events

  std::mutex registry_mutex_;
  Registry registry_;
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<std::int32_t> inflight_{0};
  std::atomic<std::uint32_t> all_waiters_{0};

  std::atomic<bool> failed_{false};
  std::mutex failure_mutex_;
  std::string failure_message_;
  std::string failed_task_;
  std::uint64_t failed_id_ = 0;

  // Failure handling: the fast path checks attention_ only (one relaxed load per task).
  // Set before failed_ (both release): failed() true means attention_ reads true after it.
  std::atomic<bool> attention_{false};
  std::atomic<std::int32_t> abandoned_{0};
  FailureLog failures_;
  GroupTable groups_;
  Watchdog watchdog_;

  std::unique_ptr<TaskExecutor> executor_;  // never null after the constructor
  /// executor_->slot_key(), read once: an observed attempt compares it with thread_slot.of
  /// (core/thread_slot.hpp) and asks executor_->current_slot() only on a mismatch.
  std::uint64_t slot_key_ = TaskExecutor::no_slot_key;
  std::unique_ptr<Backend> backend_;        // after the executor it spawns on
  bool all_local_ = true;             // backend_->all_local()
  /// backend_->node_name(0), read once: every observed start names it (a std::string made
  /// per start cost ~150 instructions of the traced task's ~1,300).
  std::string master_name_;
  std::unique_ptr<ProgressLine> progress_;  // COMPSS_PROGRESS=1 (its counts: an observer)
};

/// The current runtime, started on first use (by launch_runtime).
Runtime& runtime();
/// Builds this process's runtime from its configuration: the top layer defines it
/// (runtime/launch.cpp: the executor's threads, the backend, the progress line).
std::unique_ptr<Runtime> launch_runtime();
/// Makes `runtime` the current one, instead of launch_runtime's: for tests of the Runtime
/// over a fake Backend. Throws std::logic_error when a runtime is running.
void install_runtime(std::unique_ptr<Runtime> runtime);
/// The current runtime or nullptr.
Runtime* current_runtime() noexcept;

}  // namespace compss::rt
