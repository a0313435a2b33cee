// RemoteExecutor: a worker as a node of the scheduler (a ClusterNode over a WorkerLink).
// For the cluster's dispatch it builds a placed task's request (its data through
// RequestData, the data plane: or says why it cannot yet: an input to fetch first, inputs
// to make again), and send_task adds what the placement decided (cores, GPUs, the gang's
// hosts, the version the node runs) and sends it; the answer comes back on the link's
// receiver thread with the request as sent. Its look-ahead tells the scheduler how many
// placements may wait in the worker's connection.
#pragma once

#include "net/master/cluster_node.hpp"
#include "net/worker_link.hpp"
#include "sched/scheduler.hpp"

#include <compss/this_task.hpp>

#include <algorithm>
#include <chrono>
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

/// What a RemoteExecutor asks of the data plane for the requests it sends (the cluster
/// adapts its DataPlane, net/master/data_plane.hpp; tests give a fake). Called from the
/// sending thread and the link's receiver thread: thread-safe.
class RequestData {
 public:
  using Versions = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  ///< (data id, version)
  virtual ~RequestData() = default;
  /// Fills the request's data for worker `node` (DataPlane::build_request): false, with
  /// nothing changed, when an input must first be fetched or made again and `may_block`
  /// is false. Throws compss::Error when an input can be found nowhere.
  virtual bool build(detail::TaskBase* t, int node, TaskRequest& request, bool may_block) = 0;
  /// The versions `t` reads that no live node holds (made again before it can be sent).
  virtual Versions lost_inputs(const detail::TaskBase& t) = 0;
  /// Worker `node` answered `sent`: it received the globals the request carried.
  virtual void received(const detail::TaskBase& t, int node, const TaskRequest& sent) = 0;
};

/// A request built for a worker, or why not yet.
struct BuiltRequest {
  std::shared_ptr<Message> request;  ///< null: not built (see `lost`)
  /// With no request: the inputs no live node holds (make them again, then place the task
  /// again); empty: an input must be fetched first (build again where blocking is allowed).
  RequestData::Versions lost;
};

/// What the placement decided for one run on a worker, beyond the request's data.
struct RemoteRun {
  unsigned computing_units = 1;
  unsigned gpus = 0;
  /// A gang's nodes (MPI, multinode), its first node first; empty for a task on one node.
  std::vector<detail::TaskHost> hosts;
  /// The signature of the version this node runs, when it is not the one the request was
  /// built with (a replica: each node runs the version that fits it); empty: as built.
  std::string signature;
  /// TaskRequest::time_left_ms: the attempt's time left until its deadline (time_left_ms()).
  std::uint64_t time_left_ms = 0;
};

/// The time left until `deadline` in ms as TaskRequest::time_left_ms gives it: 0 for
/// none (time_point::max()), at least 1 (a deadline passed: the worker answers at once).
std::uint64_t time_left_ms(std::chrono::steady_clock::time_point deadline) noexcept;

/// The worker's answer to a request sent with send_task, with the request as sent.
using RemoteAnswer = std::function<void(const SentRequest& sent, CallResult&& result)>;

/// Thread-safe, like ClusterNode and WorkerLink.
///
///   RemoteExecutor w(link, [&](TaskBase* t, int node, unsigned cu, unsigned gpus) { cluster.dispatch(t, node, cu, gpus); });
///   scheduler.add_node(link.name(), reported_resources(link.hello()), w);
///   w.call(request, [&](CallResult&& r) { ...; w.release(t); });
class RemoteExecutor final : public ClusterNode {
 public:
  /// `data`: the data plane the requests are built from (needed by build_request and
  /// told of answers; may be null for a node whose requests are built elsewhere).
  RemoteExecutor(WorkerLink& link, Dispatch dispatch, RemakePlacements* remakes = nullptr,
                 RequestData* data = nullptr)
      : ClusterNode(link.node(), std::move(dispatch), remakes), link_(link), data_(data) {}

  /// Sends a request to the worker (WorkerLink::call_async: `done` runs exactly once).
  void call(Message& request, CallDone done) { link_.call_async(request, std::move(done)); }

  /// Builds the request of `t` for this worker. Without `may_block`, one whose inputs
  /// must first be fetched is not built; with `check_lost`, nor one whose inputs no live
  /// node holds (BuiltRequest::lost), checked first when `may_block`. Throws as
  /// RequestData::build.
  ///
  ///   BuiltRequest b = w.build_request(t, false, true);
  ///   if (b.request) w.send_task(*t, std::move(b.request), run, answered);
  BuiltRequest build_request(detail::TaskBase* t, bool may_block, bool check_lost);

  /// Completes `request` (a TaskRequest) with `run` and sends it; `answered` runs exactly
  /// once, on the link's receiver thread (or at once when the link is gone: `lost`),
  /// after the data plane heard that the worker received the request's globals.
  ///
  /// (`t` is alive until `answered` ran: the dispatch holds a reference.)
  ///
  ///   w.send_task(*t, std::move(request), {.computing_units = 2}, [](const SentRequest& s, CallResult&& r) { ... });
  void send_task(const detail::TaskBase& t, std::shared_ptr<Message> request, RemoteRun run,
                 RemoteAnswer answered);

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
  RequestData* data_;
};

}  // namespace compss::net
