// Constraints in local runs: the scheduler (sched/scheduler.hpp) over one node, the
// master's own (LocalNode, local/local_node.hpp: its NodeExecutor). A task with a
// constraint(...) waits until the master's free resources fit it (computing_units
// reserved, memory admitted against the node's memory) and then runs on the oneTBB arena;
// unconstrained tasks never come here (the fast path).
#pragma once

#include "local/executor.hpp"
#include "local/local_node.hpp"
#include "local/task_binding.hpp"
#include "sched/scheduler.hpp"

#include <compss/detail/task_node.hpp>
#include <compss/this_task.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace compss::rt {

class Runtime;

/// The master's node: detected cores (the executor's threads) and memory, or COMPSS_MEMORY
/// (GB) when set, and COMPSS_GPUS GPUs (config::run_config()).
sched::Resources master_resources(unsigned threads);

/// While it lives, the task running on this thread holds the nodes `hosts` (a gang's
/// allocation, its own node first: compss::this_task::nodes(), the MPI host file). Empty:
/// this node alone.
///
///   { TaskHostsScope nodes(request.hosts); body(); }
class TaskHostsScope {
 public:
  explicit TaskHostsScope(std::vector<detail::TaskHost> hosts) noexcept;
  ~TaskHostsScope();
  TaskHostsScope(const TaskHostsScope&) = delete;
  TaskHostsScope& operator=(const TaskHostsScope&) = delete;

 private:
  std::vector<detail::TaskHost> outer_;
};

/// The scheduler of the master's constrained tasks. Thread-safe: `classes_mutex_` guards
/// the task types (taken alone); the scheduler has its own lock and calls run() without it.
///
///   ConstrainedTasks c(runtime, executor, master_resources(threads));
///   if (auto why = c.never_fits(spec)) ...  // at the call: a failure
///   c.submit(task);                  // when it is ready
class ConstrainedTasks final {
 public:
  ConstrainedTasks(Runtime& runtime, LocalExecutor& executor, sched::Resources master);

  /// Why a task of `spec` can never run here (malformed constraints, or more than the
  /// master's node has), or nullopt.
  std::optional<std::string> never_fits(const detail::TaskSpec& spec);
  /// A ready constrained task: runs when the master's free resources fit it. One that can
  /// never run failed at its call (the runtime recorded never_fits): it goes straight to
  /// the arena, where the failed runtime skips it.
  void submit(detail::TaskBase* task);

  /// The master's node in the scheduler: what it declares, what is free of it now.
  sched::Capacity total() const { return scheduler_.total(0); }
  sched::Capacity free() const { return scheduler_.free(0); }

 private:
  /// The task type of `spec`, parsed and registered on first use (throws on bad values).
  const sched::TaskClass* class_of(const detail::TaskSpec& spec);

  Runtime& runtime_;
  LocalExecutor& executor_;
  LocalNode node_;  // (before scheduler_: it outlives the scheduler's calls)
  sched::Scheduler scheduler_;
  std::mutex classes_mutex_;
  std::unordered_map<const detail::TaskSpec*, const sched::TaskClass*> classes_;
};

}  // namespace compss::rt
