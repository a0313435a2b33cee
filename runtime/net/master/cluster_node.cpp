#include "net/master/cluster_node.hpp"
#include "core/task_state.hpp"

#include "sched/scheduler.hpp"

#include <chrono>

namespace compss::net {

void ClusterNode::run(sched::Placement placement, sched::Completion& done) {
  const void* handle = placement.task;
  const unsigned units = placement.allocation.first.reserved.cpus();
  const std::uint32_t version = placement.version;
  const bool replicated = placement.type != nullptr && placement.type->type.replicated;
  const unsigned gpus = placement.allocation.first.reserved.gpus();
  {
    std::unique_lock lock(mutex_);
    if (taking_back_.erase(handle) != 0) {  // a placement taken back: its holder waits for it
      auto it = held_.find(handle);
      if (it != held_.end() && it->second.first.given_back) {
        it->second = {std::move(placement), &done};
        taken_back_.notify_all();
        return;
      }
      // Its replica ended meanwhile (its end counted): the resources go back at once.
      lock.unlock();
      done.give_back(placement);
      return;
    }
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

bool ClusterNode::take_back(const void* task, const std::function<bool()>& alive) {
  sched::Placement given;
  sched::Completion* done = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto it = held_.find(task);
    if (it == held_.end() || !it->second.first.given_back) return true;
    given = it->second.first;
    done = it->second.second;
    taking_back_.insert(task);
  }
  if (!done->take_back(given)) {
    std::lock_guard lock(mutex_);
    taking_back_.erase(task);
    return false;
  }
  std::unique_lock lock(mutex_);
  auto booked = [&] {
    auto it = held_.find(task);
    return it == held_.end() || !it->second.first.given_back;
  };
  while (!taken_back_.wait_for(lock, std::chrono::milliseconds(100), booked)) {
    lock.unlock();
    const bool live = alive();
    lock.lock();
    // Kept in taking_back_: placed before the scheduler hears of the loss, that placement
    // is booked or given back at once by run(), never dispatched (a lost node's
    // ClusterNode gets nothing after remove_node: a worker that joins again gets a new one).
    if (!live && !booked()) return false;
  }
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
