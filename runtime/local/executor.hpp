// The local executor: runs ready tasks on a oneTBB arena with one worker per thread of
// the configuration (all cores by default).
#pragma once

#include <compss/detail/task_node.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace compss::rt {

class Runtime;
class ConstrainedTasks;

class LocalExecutor {
 public:
  /// Starts `threads` worker threads that run task chains through `runtime`.
  LocalExecutor(unsigned threads, Runtime& runtime);
  ~LocalExecutor();
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  /// Schedules a ready task (from any thread). From a worker it goes to that worker's local
  /// queue; from another thread it is enqueued into the arena.
  /// A task of a `priority` task type goes to a queue every worker serves first.
  void spawn(detail::TaskBase* task);

  /// Waits until every spawned task body has returned.
  void wait_idle();

  /// A task with constraints or versions: it waits for the master's free resources
  /// instead of running at once, and the scheduler picks the implementation that fits
  /// (local/constrained.hpp). Unconstrained tasks keep the fast path.
  static bool needs_placement(const detail::TaskBase& task) noexcept {
    // (A multinode task is a gang: its nodes are reserved even without constraints.)
    return task.spec_ != nullptr &&
           (task.spec_->constraint_count != 0 || task.spec_->version_count != 0 ||
            task.spec_->kind == detail::TaskKind::multinode);
  }
  /// Local runs: from now on constrained tasks go through the master node's scheduler.
  void enforce_constraints();
  /// With constraints enforced: why `task` can never run (its constraints are malformed,
  /// or the master can never satisfy them), or nullopt.
  std::optional<std::string> never_fits(const detail::TaskBase& task);

  /// Runs `job` on a worker of the arena (the caller's, when it is one).
  void run_job(std::function<void()> job);

  unsigned threads() const noexcept { return threads_; }
  /// The scheduler of constrained tasks (the master's node model), or null.
  const ConstrainedTasks* constrained() const noexcept { return constrained_.get(); }

  /// The calling thread's slot in the executor's arena (0 .. threads()), for task events;
  /// 0 on a thread outside it.
  static unsigned current_slot() noexcept;

 private:
  void spawn_priority(detail::TaskBase* task);

  struct Impl;
  unsigned threads_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<ConstrainedTasks> constrained_;  // null unless enforce_constraints()
};

}  // namespace compss::rt
