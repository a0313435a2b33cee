// LocalNode: the master's own cores as a NodeExecutor of the scheduler (sched/node.hpp):
// a placed task runs on the LocalExecutor's oneTBB arena with the cores and GPUs of its
// placement made known to its body, then its reservation goes back and the successor it
// made ready runs on the same thread, as execute_chain would.
//
// Why an adapter and not LocalExecutor itself deriving from sched::NodeExecutor: the
// executor's spawn is what every task uses (the Runtime's TaskExecutor, core/: the
// unconstrained fast path, no scheduler), and a placed task needs its placement; placed
// tasks come through this one object.
#pragma once

#include "local/executor.hpp"
#include "sched/node.hpp"

namespace compss::rt {

class Runtime;

/// Thread-safe: no state of its own; run() may be called from any thread.
///
///   LocalNode node(runtime, executor);
///   scheduler.add_node("master", master_resources(threads), node);
class LocalNode final : public sched::NodeExecutor {
 public:
  LocalNode(Runtime& runtime, LocalExecutor& executor) : runtime_(runtime), executor_(executor) {}

  /// Runs the placed version on the arena with its computing units, cores and GPUs made
  /// known (compss::this_task::computing_units(), cpus(), gpus(); the thread pinned),
  /// tells `done` when its body has returned, then runs the successor it made ready.
  void run(sched::Placement placement, sched::Completion& done) override;

 private:
  Runtime& runtime_;
  LocalExecutor& executor_;
};

}  // namespace compss::rt
