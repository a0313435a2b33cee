#include "net/master/cluster_node.hpp"
#include "core/task_state.hpp"

#include "sched/scheduler.hpp"

namespace compss::net {

void ClusterNode::run(sched::Placement placement, sched::Completion& done) {
  const void* handle = placement.task;
  const unsigned units = placement.allocation.first.reserved.cpus();
  const std::uint32_t version = placement.version;
  const bool replicated = placement.type != nullptr && placement.type->type.replicated;
  const unsigned gpus = placement.allocation.first.reserved.gpus();
  {
    std::lock_guard lock(mutex_);
    held_[handle] = {std::move(placement), &done};
  }
  if (remakes_ != nullptr && remakes_->placed(handle, {node_, version, units, gpus})) return;
  auto* task = static_cast<detail::TaskBase*>(const_cast<void*>(handle));
  // The replicas of a replicated call share the task and may run different versions at
  // once: each reads its own from here (version_of), the task's field stays 0.
  if (!replicated) task->implementation = version;
  rt::task_state(task).node.store(node_, std::memory_order_release);
  dispatch_(task, node_, units, gpus);
}

bool ClusterNode::release(const void* task) {
  std::pair<sched::Placement, sched::Completion*> held;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(task);
    if (it == held_.end()) return false;
    held = std::move(it->second);
    held_.erase(it);
  }
  held.second->ended(held.first);
  return true;
}

bool ClusterNode::give_back(const void* task) {
  std::pair<sched::Placement, sched::Completion*> held;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(task);
    if (it == held_.end() || it->second.first.ahead || it->second.first.given_back) return false;
    held = it->second;
    it->second.first.given_back = true;
  }
  held.second->give_back(held.first);
  return true;
}

sched::Allocation ClusterNode::allocation_of(const void* task) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(task);
  return it == held_.end() || it->second.first.given_back ? sched::Allocation{} : it->second.first.allocation;
}

std::uint32_t ClusterNode::version_of(const void* task) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(task);
  return it == held_.end() ? 0 : it->second.first.version;
}

bool ClusterNode::holds(const void* task) const {
  std::lock_guard lock(mutex_);
  return held_.count(task) != 0;
}

std::size_t ClusterNode::holding() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

std::vector<const void*> ClusterNode::gangs_holding(sched::NodeId other) const {
  std::vector<const void*> gangs;
  std::lock_guard lock(mutex_);
  for (const auto& [task, held] : held_) {
    for (const sched::NodeShare& share : held.first.allocation.more) {
      if (share.node == other) {
        gangs.push_back(task);
        break;
      }
    }
  }
  return gangs;
}

}  // namespace compss::net
