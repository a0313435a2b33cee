// RemoteExecutor: a worker as a node of the scheduler (a ClusterNode over a WorkerLink).
// The cluster's dispatch builds a placed task's request from the data plane (its data
// parameters) and hands it to send_task, which adds what the placement decided (cores,
// GPUs, the gang's hosts, the version the node runs) and sends it; the answer comes back on
// the link's receiver thread with the request as sent. Its look-ahead tells the scheduler
// how many placements may wait in the worker's connection.
#pragma once

#include "net/master/cluster_node.hpp"
#include "net/worker_link.hpp"
#include "sched/scheduler.hpp"

#include <compss/this_task.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace compss::net {

/// The request of one attempt as sent: never changed once sent (the sending thread may
/// still read it when the answer comes), shared with the lineage of what it makes.
using SentRequest = std::shared_ptr<const Message>;

/// The task record inside a sent request (sharing its ownership).
inline std::shared_ptr<const TaskRequest> record_of(const SentRequest& sent) {
  return {sent, &std::get<TaskRequest>(*sent)};
}

/// What the placement decided for one run on a worker, beyond the request's data.
struct RemoteRun {
  unsigned computing_units = 1;
  unsigned gpus = 0;
  /// A gang's nodes (MPI, multinode), its first node first; empty for a task on one node.
  std::vector<detail::TaskHost> hosts;
  /// The signature of the version this node runs, when it is not the one the request was
  /// built with (a replica: each node runs the version that fits it); empty: as built.
  std::string signature;
};

/// The worker's answer to a request sent with send_task, with the request as sent.
using RemoteAnswer = std::function<void(const SentRequest& sent, CallResult&& result)>;

/// Thread-safe, like ClusterNode and WorkerLink.
///
///   RemoteExecutor w(link, [&](TaskBase* t, int node, unsigned cu, unsigned gpus) { cluster.dispatch(t, node, cu, gpus); });
///   scheduler.add_node(link.name(), reported_resources(link.hello()), w);
///   w.call(request, [&](CallResult&& r) { ...; w.release(t); });
class RemoteExecutor final : public ClusterNode {
 public:
  RemoteExecutor(WorkerLink& link, Dispatch dispatch, RemakePlacements* remakes = nullptr)
      : ClusterNode(link.node(), std::move(dispatch), remakes), link_(link) {}

  /// Sends a request to the worker (WorkerLink::call_async: `done` runs exactly once).
  void call(Message& request, CallDone done) { link_.call_async(request, std::move(done)); }

  /// Completes `request` (a TaskRequest) with `run` and sends it; `answered` runs exactly
  /// once, on the link's receiver thread (or at once when the link is gone: `lost`).
  ///
  ///   w.send_task(std::move(request), {.computing_units = 2}, [](const SentRequest& s, CallResult&& r) { ... });
  void send_task(std::shared_ptr<Message> request, RemoteRun run, RemoteAnswer answered);

  WorkerLink& link() noexcept { return link_; }

  /// The scheduler's look-ahead for this worker: `depth` requests (-1: as many as its
  /// cores) may wait in its connection while each of its task threads (its reported cores:
  /// it runs one request per thread, in order) runs a placement.
  sched::Lookahead lookahead(int depth) const {
    const std::uint32_t threads = std::max<std::uint32_t>(link_.hello().cores, 1);
    return {depth < 0 ? threads : static_cast<std::uint32_t>(depth), threads};
  }

 private:
  WorkerLink& link_;
};

}  // namespace compss::net
