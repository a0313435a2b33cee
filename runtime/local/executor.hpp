// The local executor: runs ready tasks on a oneTBB arena with one worker per thread of
// the configuration (all cores by default).
#pragma once

#include <compss/detail/task_node.hpp>

#include <memory>

namespace compss::rt {

class Runtime;

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

  unsigned threads() const noexcept { return threads_; }

  /// The calling thread's slot in the executor's arena (0 .. threads()), for task events;
  /// 0 on a thread outside it.
  static unsigned current_slot() noexcept;

 private:
  void spawn_priority(detail::TaskBase* task);

  struct Impl;
  unsigned threads_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace compss::rt
