// Part of Cluster: restarting a worker whose task timed out and has not returned after the
// grace period (docs/failures.md, "Restarting a worker"). The task's thread cannot be
// stopped, but its process can: the master declares the worker lost (its other tasks run
// again elsewhere, versions only it held are made again from lineage or fetched from other
// holders) and asks compss-run to kill the process and start it again. The new process
// says Hello under the same name after the start, and is taken as a new node.
#include "net/cluster.hpp"

#include "net/master/admission.hpp"
#include "net/master/restart_requests.hpp"
#include "net/resource_report.hpp"
#include "net/tcp_connection.hpp"

#include <cstdio>

namespace compss::net {

using detail::TaskBase;

namespace {
/// A stuck_ entry whose task's answer came before its time-out was recorded: the
/// time-out's record (finished) then drops both.
constexpr int answered_first = -1;
}  // namespace

void Cluster::timed_out_on_worker(const TaskBase* t, int n) {
  // (Called once per timed-out remote task, by the watchdog's finish; its answer, which
  // ends the attempt, may come before or after: returned_after_time_out.)
  std::uint64_t serial = 0;
  {
    std::lock_guard lock(sched_mutex_);
    auto [it, fresh] = stuck_.try_emplace(t);
    if (!fresh) {  // answered_first: it returned already
      stuck_.erase(it);
      return;
    }
    serial = ++stuck_serial_;
    it->second = Stuck{n, serial};
  }
  after(config_.timeout_grace, [this, t, serial] { restart_if_stuck(t, serial); });
}

void Cluster::returned_after_time_out(const TaskBase* t) {
  if (rt::task_state(t).node <= 0) return;  // (never on a worker: timed_out_on_worker is not called)
  std::lock_guard lock(sched_mutex_);
  auto [it, fresh] = stuck_.try_emplace(t);
  if (fresh) it->second = Stuck{answered_first, 0};
  else stuck_.erase(it);
}

void Cluster::restart_if_stuck(const TaskBase* t, std::uint64_t serial) {
  int n = 0;
  std::string name;
  std::string task;
  std::string why;
  bool asked = false;
  {
    std::lock_guard lock(sched_mutex_);
    auto it = stuck_.find(t);
    // (It returned meanwhile; or its worker was lost or retired, or the run is ending.)
    if (it == stuck_.end() || it->second.serial != serial || stopping_ || run_ended_) return;
    n = it->second.node;
    // (Its link cut already: another stuck task of it asked first; one restart each time.)
    if (!worker_usable_locked(static_cast<std::size_t>(n))) return;
    // Stuck there only while it still holds its placement there: a task that gave the
    // node back (its inputs made again, a pause after compss::DataMissing) and timed out
    // before it was placed again ran nowhere, and still names that worker (t->node).
    // (A stream task is placed outside the scheduler: it holds no placement to check.)
    if (!rt::task_state(t).stream_task && !workers_[static_cast<std::size_t>(n)]->holds(t)) return;
    // The entry stays until the worker's loss ends the attempt (conclude).
    name = links_[static_cast<std::size_t>(n)]->name();
    task = "task '" + std::string(t->spec().name) + "' (id " + std::to_string(t->id()) + ")";
    // Asked under the lock (a short write on a local socket; its mutex is a leaf): retire
    // (free_resources) marks the worker dead under it too, then forgets the restart, so
    // a retired worker is never asked back.
    asked = restarts_->request(name, why);
  }
  const auto grace = static_cast<long long>(config_.timeout_grace.count());
  const std::string stuck = task + " timed out and had not returned " + std::to_string(grace) +
                            " s later (COMPSS_TIMEOUT_GRACE; a thread cannot be stopped)";
  if (asked) {
    std::fprintf(stderr,
                 "compss: worker %d (%s): %s: restarting the worker (compss-run starts it again; "
                 "it rejoins as a new node)\n",
                 n, name.c_str(), stuck.c_str());
  } else {
    std::fprintf(stderr, "compss: worker %d (%s): %s: dropping the worker (%s); the run goes on "
                 "without it\n", n, name.c_str(), stuck.c_str(), why.c_str());
  }
  // Lost as any worker: its tasks are placed again, the data only it held is made again.
  // Its process sees the connection end and exits (compss-run also kills it).
  links_[static_cast<std::size_t>(n)]->cut_off(task + " timed out there and did not return");
}

bool Cluster::rejoin(const Hello& hello, const std::shared_ptr<Endpoint>& endpoint) {
  {
    std::lock_guard lock(sched_mutex_);
    if (stopping_ || run_ended_) return false;
  }
  // (A worker request_resources asked for joins the same way: net/cluster_elastic.cpp.)
  const bool added = restarts_->take_added(hello.node_name);
  if (!added && !restarts_->take_rejoin(hello.node_name)) return false;
  AdmittedWorker w;
  w.endpoint = endpoint;
  w.hello = hello;
  w.host = peer_host(*endpoint);
  w.name = hello.node_name;
  w.resources = reported_resources(hello);
  // Not on the listener's (io) thread: placing tasks on the new node may send requests.
  lane_.post([this, added, w = std::move(w)]() mutable {
    const std::string name = w.name;
    const int id = add_worker(std::move(w));
    if (id > 0 && added)
      log(LogLevel::info, "worker " + name + " (request_resources) joined as worker " + std::to_string(id));
    else if (id > 0)
      std::fprintf(stderr, "compss: worker %s restarted: it joined again as worker %d\n",
                   name.c_str(), id);
  });
  return true;
}

}  // namespace compss::net
