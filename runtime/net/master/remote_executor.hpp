// RemoteExecutor: a worker as a node of the scheduler (a ClusterNode over a WorkerLink).
// The cluster's dispatch builds a placed task's request from the data plane and sends it
// through call(); the answer comes back on the link's receiver thread.
#pragma once

#include "net/master/cluster_node.hpp"
#include "net/worker_link.hpp"
#include "sched/scheduler.hpp"

#include <algorithm>
#include <cstdint>

namespace compss::net {

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
