// Part of Cluster (thread-safety: as Cluster; called with no lock held, it takes each
// ClusterNode's lock, then sched_mutex_, never both). A node lost while it held a share of
// a gang (an MPI or multinode task over several nodes) that runs from another node
// (docs/external_programs.md, "A lost node of a gang"). The program on the first node has
// lost part of its ranks: left alone it may hang, or end with a result made without them.
// There is no message to stop one task on a worker, but the worker can be let go: the
// master ends its connection (cut_off), the worker, whose master is gone, kills every
// running program's process group and exits, the attempt comes back `lost` and is placed
// again on the live nodes (not counted as a worker its task killed: the cut-off is on
// purpose). The worker is not restarted: compss-run restarts one with SIGKILL, which would
// leave its programs running (orphans). Only gangs that started (sent to their first node:
// gangs_started_) cost their worker; one placed but not sent yet (waiting on the lane) is
// refused as it starts (gang_may_start) and placed again. A gang run from the master's own
// node has its program's process group killed (exec::kill_groups_of) and the run fails,
// naming it (the master's executor would retry it in place, over the same lost hosts).
#include "net/cluster.hpp"

#include "exec/process.hpp"

#include <cstdio>

namespace compss::net {

using detail::TaskBase;

namespace {
std::string describe(const void* task) {
  const auto* t = static_cast<const TaskBase*>(task);
  return "task '" + std::string(t->spec().name) + "' (id " + std::to_string(t->id()) + ")";
}
}  // namespace

void Cluster::stop_gangs_using(int lost, sched::NodeId lost_id) {
  const std::string lost_name =
      "worker " + std::to_string(lost) + " (" + links_[static_cast<std::size_t>(lost)]->name() + ")";
  const std::size_t count = nodes_.load(std::memory_order_acquire);  // (slots below: filled)
  for (std::size_t m = 1; m < count; ++m) {
    if (static_cast<int>(m) == lost || workers_[m] == nullptr) continue;
    std::vector<const void*> gangs = workers_[m]->gangs_holding(lost_id);
    if (gangs.empty()) continue;
    std::string name;
    std::vector<std::string> started;  // their descriptions, made while they surely live
    {
      std::lock_guard lock(sched_mutex_);
      if (!worker_alive_[m] || stopping_ || run_ended_) continue;
      name = links_[m]->name();
      for (const void* task : gangs) {  // not sent: refused as it is (gang_may_start)
        if (gangs_started_.contains(static_cast<const TaskBase*>(task))) started.push_back(describe(task));
      }
    }
    if (started.empty()) continue;
    std::string tasks;
    for (const std::string& task : started) {
      tasks += (tasks.empty() ? "" : ", ") + task;
      std::fprintf(stderr, "compss: worker %zu (%s): %s lost %s of its gang: its program there is "
                   "stopped and the task placed again on the live nodes (failing if they "
                   "cannot hold it)\n",
                   m, name.c_str(), task.c_str(), lost_name.c_str());
    }
    std::fprintf(stderr, "compss: worker %zu (%s): dropping the worker to stop %s (its process "
                 "kills its programs as it ends); the run goes on without it\n",
                 m, name.c_str(), tasks.c_str());
    links_[m]->cut_off(tasks + " lost " + lost_name + " of its gang");
  }
  if (master_sched_.load() == sched::IdSet::npos || master_node_ == nullptr) return;
  for (const void* task : master_node_->gangs_holding(lost_id)) {
    auto* t = const_cast<TaskBase*>(static_cast<const TaskBase*>(task));
    std::string what;
    {
      // In gangs_started_ it lives (its placement is held); the reference keeps it alive
      // once the lock is dropped, should the gang end meanwhile.
      std::lock_guard lock(sched_mutex_);
      if (stopping_ || run_ended_ || !gangs_started_.contains(t)) continue;
      rt::add_ref(t);
      what = describe(task);
    }
    // Its thread waits for the program (run_process): killing the program's group ends
    // the wait, and the attempt fails as stopped. The run fails first: the master's
    // executor would retry it in place, over the same (lost) hosts. (Not started yet: it
    // is refused as it starts, gang_may_start.)
    const std::string why = what + " lost " + lost_name + " of its gang while it ran from the "
                            "master's node (a gang run from the master is not placed again)";
    runtime_.record_failure(*t, why.c_str());
    const std::size_t killed = exec::kill_groups_of(task);
    std::fprintf(stderr, "compss: %s lost %s of its gang; it runs from the master's node: %s and "
                 "the run fails\n", what.c_str(), lost_name.c_str(),
                 killed > 0 ? "its program there is stopped (its process group killed)"
                            : "no program of it runs there now (none to stop)");
    rt::release_ref(t);
  }
}

void Cluster::log_gang(const TaskBase* t, int n) const {
  if (static_cast<int>(config_.log_level) < static_cast<int>(LogLevel::info)) return;
  const ClusterNode* first = n == 0 ? master_node_.get() : workers_[static_cast<std::size_t>(n)].get();
  const sched::Allocation a = first->allocation_of(t);
  auto node = [&](const sched::NodeShare& share) {
    const int at = static_cast<const ClusterNode&>(scheduler_->executor_of(share.node)).node();
    const std::string name = at == 0 ? "master" : "worker " + std::to_string(at) + " (" +
                                                      links_[static_cast<std::size_t>(at)]->name() + ")";
    return name + " x " + std::to_string(share.units);
  };
  std::string nodes = node(a.first);
  for (const sched::NodeShare& share : a.more) nodes += ", " + node(share);
  log(LogLevel::info, describe(t) + " runs over " + nodes);
}

}  // namespace compss::net
