// The local executor: runs ready tasks on a oneTBB arena with one worker per thread of
// the configuration (all cores by default). The Runtime's TaskExecutor
// (core/task_executor.hpp): local/ depends on core/, never the reverse.
#pragma once

#include "core/task_executor.hpp"

#include <compss/detail/task_node.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace compss::rt {

class Runtime;
class ConstrainedTasks;

/// Thread-safety: spawn, run_job, wait_idle and never_fits may be called from any thread
/// (oneTBB's concurrent queues; constrained tasks take ConstrainedTasks' own lock,
/// local/constrained.hpp); enforce_constraints once, before the first task (LocalBackend's
/// constructor); current_slot() from any thread (each thread's kept slot is its own
/// thread-local; the first call begins observing the arena, once: a std::once_flag). No
/// lock of its own.
class LocalExecutor final : public TaskExecutor {
 public:
  /// Starts `threads` worker threads that run task chains through `runtime`.
  LocalExecutor(unsigned threads, Runtime& runtime);
  ~LocalExecutor() override;
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  /// Schedules a ready task (from any thread). From a worker it goes to that worker's local
  /// queue; from another thread it is enqueued into the arena.
  /// A task of a `priority` task type goes to a queue every worker serves first.
  /// A task that needs_placement (core/task_executor.hpp), once constraints are
  /// enforced, waits for the master's free resources instead (local/constrained.hpp).
  void spawn(detail::TaskBase* task) override;

  /// Waits until every spawned task body has returned.
  void wait_idle() override;

  /// Local runs: from now on constrained tasks go through the master node's scheduler.
  void enforce_constraints();
  /// With constraints enforced: why `task` can never run (its constraints are malformed,
  /// or the master can never satisfy them), or nullopt.
  std::optional<std::string> never_fits(const detail::TaskBase& task) override;

  /// Runs `job` on a worker of the arena (the caller's, when it is one).
  void run_job(std::function<void()> job);

  unsigned threads() const noexcept override { return threads_; }
  /// The scheduler of constrained tasks (the master's node model), or null.
  const ConstrainedTasks* constrained() const noexcept { return constrained_.get(); }

  /// The calling thread's slot in the executor's arena (0 .. threads()), for task events;
  /// 0 on a thread outside it.
  unsigned current_slot() const noexcept override;
  /// This executor's number (its threads' thread_slot.of while they are in its arena).
  std::uint64_t slot_key() const noexcept override;

 private:
  void spawn_priority(detail::TaskBase* task);

  struct Impl;
  unsigned threads_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<ConstrainedTasks> constrained_;  // null unless enforce_constraints()
};

}  // namespace compss::rt
