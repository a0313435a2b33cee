// DataLinks: what the master's data plane (net/master/data_plane.hpp) asks of the workers:
// where a node's data listener is, fetch a version from it, tell it to drop versions, run
// a task again on it. The cluster implements it over its WorkerLinks and PeerFetcher
// (net/master/worker_data_links.hpp); unit tests use a fake (tests/unit/test_data_plane.cpp).
#pragma once

#include "net/data_directory.hpp"
#include "net/message.hpp"
#include "net/worker_link.hpp"

#include <compss/detail/held_value.hpp>
#include <compss/detail/value_sink.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>

namespace compss::net {

/// Nodes are numbered as the cluster numbers them: 0 is the master, workers from 1.
/// The data plane calls these with none of its locks held; they may block (on the
/// network), and must be callable from any thread at once.
class DataLinks {
 public:
  virtual ~DataLinks() = default;

  /// "host:port" of worker `node`'s data listener: where its peers and the master fetch
  /// the versions it holds (a request's WireParam::source).
  virtual std::string data_address(int node) const = 0;
  /// Whether worker `node` sees the master's files at the same paths (files travel as
  /// paths to it, and what it writes there is written on the master in place).
  virtual bool shares_files(int node) const = 0;
  /// Tells worker `node` it may drop versions <= `version` of datum `id` (all_versions:
  /// every version; `only_this`: version `version` alone). No answer; never throws.
  virtual void release(int node, std::uint64_t id, std::uint64_t version,
                       bool only_this) noexcept = 0;
  /// Copies version `version` of datum `id` from worker `node` into `out` (a large value
  /// through a sink from `make_sink`, when not null). False, with the reason in `why`,
  /// when the node cannot be reached or does not hold it.
  virtual bool fetch(int node, std::uint64_t id, std::uint64_t version,
                     const detail::SinkFactory& make_sink,
                     std::shared_ptr<const detail::HeldValue>& out, std::string& why) = 0;
  /// Fetches many versions from worker `node` at once; `each(i, value)` runs for each,
  /// in order, with null when the node did not give it.
  virtual void fetch_many(int node, std::span<const std::pair<std::uint64_t, std::uint64_t>> versions,
                          const std::function<void(std::size_t, const detail::HeldValue*)>& each) = 0;
  /// The node to make lost data again on by running `request` (a producer's recorded
  /// request), placed through the scheduler like any task: it waits until a node's free
  /// resources fit the producer's constraints (the master's node too, when it has cores and
  /// the producer can run in the master's process) and reserves them until
  /// remake_ended(request). May change request.signature to another version of the task
  /// that fits there, and sets request.computing_units and gpus to what was reserved. -1
  /// when no node is left (nothing reserved); throws compss::Error saying why when live
  /// nodes exist but none can run the producer.
  virtual int choose_worker(TaskRequest& request) = 0;
  /// The node where the calling thread itself holds resources that fit `request` and may
  /// lend them to it (a replica building its request holds its worker's cores), with
  /// request's version, computing_units and gpus set as choose_worker sets them; -1 when
  /// it holds none that fit (nothing lent). remake_ended(request) ends the loan. Asked
  /// when another thread's run of the producer still waits for a placement, which may wait
  /// for these very resources (DataPlane::remake_once).
  virtual int lend_worker(TaskRequest& request) {
    (void)request;
    return -1;
  }
  /// The remake of `request` is over: what choose_worker reserved for it is given back.
  virtual void remake_ended(const TaskRequest& request) noexcept { (void)request; }
  /// The calling thread is about to wait for another thread's run of a producer it needs
  /// (DataPlane::remake_once): a task on the master's node, or a replica building its
  /// request, waiting so gives its cores back first (that run may wait for them), unless
  /// that run was `placed` already (it waits for nothing they hold).
  virtual void waits_for_remake(bool placed) noexcept { (void)placed; }
  /// Whether the run failed (a task failed it, or it was cancelled: the program's main
  /// ended with an error): nothing more is made again, no remake is sent after it.
  virtual bool run_failed() const { return false; }
  /// Sends `request` to worker `node` and waits for its answer (or its loss); node 0 runs
  /// it in the master's process (a remake placed there), its outputs inline.
  virtual CallResult call(int node, TaskRequest& request) = 0;
};

}  // namespace compss::net
