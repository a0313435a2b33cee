#include "local/local_node.hpp"

#include "core/runtime.hpp"
#include "local/task_binding.hpp"

#include <utility>

namespace compss::rt {

void LocalNode::run(sched::Placement placement, sched::Completion& done) {
  executor_.run_job([this, placement = std::move(placement), &done] {
    auto* task = static_cast<detail::TaskBase*>(placement.task);
    task->implementation = placement.version;  // the version that fits: run() runs it
    detail::TaskBase* next;
    {
      // computing_units(), cpus(), gpus(); the thread pinned to those cores.
      const sched::NodeShare& share = placement.allocation.first;
      TaskBindingScope bound(share.reserved.cpus(), {share.cpus, share.gpus});
      next = runtime_.execute_one(task);
    }
    done.ended(placement);
    runtime_.execute_chain(next);
  });
}

}  // namespace compss::rt
