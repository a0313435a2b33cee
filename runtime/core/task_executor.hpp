// TaskExecutor: what the Runtime asks of the threads of this process that run its ready
// tasks. core/ knows only this interface; local/executor.hpp (LocalExecutor, oneTBB) is
// the implementation, made by whoever builds the Runtime (runtime/launch.cpp, through
// local/make_runtime.hpp; a test may give a fake). See docs/architecture.md, "The
// runtime: Backend and layers".
#pragma once

#include <compss/detail/task_node.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace compss::rt {

/// True for a task the executor must place on the master's resources instead of running
/// it at once: it has constraints or versions (the scheduler picks the implementation that
/// fits), or it is multinode (a gang: its nodes are reserved even without constraints).
/// Unconstrained tasks keep the fast path.
inline bool needs_placement(const detail::TaskBase& task) noexcept {
  return task.spec_ != nullptr && (task.spec_->constraint_count != 0 || task.spec_->version_count != 0 ||
                                   task.spec_->kind == detail::TaskKind::multinode);
}

/// The executor of this process's cores, as the Runtime sees it. It runs a spawned task by
/// calling Runtime::execute_chain (or execute_one) on one of its threads.
///
/// Thread-safety: every method may be called from any thread (the program's, the
/// executor's own, the network's receivers); an implementation synchronises its own state
/// and states its lock order.
///
/// Cost: spawn is the one call per task of the local path: one virtual call (the
/// implementation is `final`, so its own callers in local/ call it directly).
///
///   // local/make_runtime.cpp
///   Runtime rt(progress,
///              [&](Runtime& r) { return std::make_unique<LocalExecutor>(threads, r); },
///              [&](Runtime& r, TaskExecutor& e) { return std::make_unique<SomeBackend>(...); });
class TaskExecutor {
 public:
  virtual ~TaskExecutor() = default;

  /// Schedules a ready task; its body runs later on one of the executor's threads.
  virtual void spawn(detail::TaskBase* task) = 0;
  /// Waits until every spawned task body has returned.
  virtual void wait_idle() = 0;
  /// How many tasks it runs at once.
  virtual unsigned threads() const noexcept = 0;
  /// Why `task` (one that needs_placement) can never run here, or nullopt (also when the
  /// executor does not enforce constraints).
  virtual std::optional<std::string> never_fits(const detail::TaskBase& task) = 0;
  /// The calling thread's slot among the executor's threads (0 .. threads()), for task
  /// events; 0 on a thread outside it.
  virtual unsigned current_slot() const noexcept = 0;
  /// The key under which the executor keeps its threads' slots in thread_slot
  /// (core/thread_slot.hpp), or no_slot_key: each attempt then asks current_slot().
  /// Fixed for the executor's life.
  static constexpr std::uint64_t no_slot_key = ~std::uint64_t{0};
  virtual std::uint64_t slot_key() const noexcept { return no_slot_key; }
};

}  // namespace compss::rt
