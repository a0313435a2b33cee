// Part of Cluster: the program's request_resources and free_resources (docs/distributed.md,
// "Elasticity and snapshots"). New workers are started by compss-run at the master's
// request, on the socket restarts use (net/master/restart_requests.hpp: "add <name>"), and
// join as a restarted worker does (Cluster::rejoin, net/cluster_restart.cpp). A freed
// worker is retired only after the program's snapshot (the caller's: every task finished,
// every datum's latest version on the master), so it runs nothing and holds nothing only
// it has: its process is told to stop (Shutdown) and no loss is reported.
#include "net/cluster.hpp"

#include "net/master/data_plane.hpp"
#include "net/master/restart_requests.hpp"

#include <cstdio>

namespace compss::net {

void Cluster::request_nodes(unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    std::string name;
    {
      std::lock_guard lock(sched_mutex_);
      if (stopping_ || run_ended_) return;
      // A name no worker of the run has (the master tells workers apart by name).
      for (bool taken = true; taken;) {
        name = "added-" + std::to_string(++added_names_);
        taken = false;
        for (std::size_t k = 1; k < nodes_.load(std::memory_order_acquire); ++k)
          taken |= links_[k]->name() == name;
      }
    }
    std::string why;
    if (!restarts_->request_new(name, why)) {
      std::fprintf(stderr, "compss: WARNING: request_resources(%u): %u worker(s) not added: %s\n",
                   n, n - i, why.c_str());
      return;
    }
    log(LogLevel::info, "request_resources: asked compss-run for worker " + name +
                            " (it joins when started)");
  }
}

void Cluster::retire_nodes(unsigned n) {
  // Workers asked for (request_resources) that have not joined yet go first: freeing them
  // is not awaiting them (their Hello is refused and their processes end), which keeps
  // free_resources(n) right after request_resources(n) from retiring a live worker.
  if (const unsigned cancelled = restarts_->cancel_additions(n); cancelled > 0) {
    log(LogLevel::info, "free_resources: " + std::to_string(cancelled) +
                            " worker(s) asked for and not joined yet are not awaited any more");
    n -= cancelled;
    if (n == 0) return;
  }
  std::vector<int> chosen;  // the most recently joined first: the last ones asked for
  unsigned live = 0;
  {
    std::lock_guard lock(sched_mutex_);
    for (std::size_t k = nodes_.load(std::memory_order_acquire); k-- > 1;) {
      if (!worker_alive_[k]) continue;
      ++live;
      if (chosen.size() < n) chosen.push_back(static_cast<int>(k));
    }
  }
  if (n > live)
    std::fprintf(stderr, "compss: WARNING: free_resources(%u): only %u worker(s) are live: "
                 "freeing %u (the master's node is never freed)\n", n, live, live);
  for (int k : chosen) retire(k);
}

bool Cluster::retire(int n) {
  const auto k = static_cast<std::size_t>(n);
  bool no_worker_left = true;
  sched::NodeId sid = sched::IdSet::npos;
  {
    std::lock_guard lock(sched_mutex_);
    if (!worker_alive_[k] || stopping_) return false;
    worker_alive_[k] = false;
    data_->node_lost(n);  // (data lock after sched lock) it holds no copy from now on
    // A timed-out task still stuck there: no restart for it (restart_if_stuck matches no
    // serial 0; the entry goes when its answer, `lost`, comes), nor a rejoin awaited if
    // one was asked for already.
    for (auto& [task, stuck] : stuck_) {
      if (stuck.node == n) stuck.serial = 0;
    }
    restarts_->forget_rejoin(links_[k]->name());
    for (std::size_t i = 1; i < worker_alive_.size(); ++i) no_worker_left &= !worker_alive_[i];
    sid = worker_sched_[k];
  }
  // Tasks go to the master once no worker is left (as after the last worker's loss).
  if (no_worker_left && master_sched_.load() == sched::IdSet::npos) add_master_node(runtime_.threads());
  if (sid != sched::IdSet::npos) {
    fail_stranded(scheduler_->remove_node(sid));
    remakes_.node_lost();
  }
  // Orderly: the worker ends its process after the Shutdown (no task runs there); the link
  // closing on purpose reports no loss.
  links_[k]->shutdown();
  log(LogLevel::info, "worker " + std::to_string(n) + " (" + links_[k]->name() +
                          ") retired by free_resources: its process was told to stop");
  return true;
}

}  // namespace compss::net
