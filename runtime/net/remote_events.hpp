// RemoteEvents: the task events of what happens on workers, told on the master (which is
// where observers live): an attempt's start on its worker and the transfers of its inputs
// (from the worker's report, WorkerTimes, converted to the master's clock), and the values
// the master fetches from workers. The ended event itself is end_attempt's, at the time
// answered() returns. Called only while observers are installed.
//
// Events name data by the registry's identity (id and version, as TaskSubmitted does).
// The cluster's requests carry version numbers (net/version_number.hpp): an input is named
// by the task's parameter; a version the master fetches by the registry version its
// number holds (for a version the master made, the registry version it follows).
//
// While the master traces (record_worker_events), workers also send their own events
// (net/worker_event_log.hpp): which of their threads ran each attempt, took its inputs and
// answered, and what their data servers sent; they are told as NodeActivity, named by the
// attempt the master knows from the request's id. Their clocks are also probed
// (net/clock_probes.hpp): each reply narrows that worker's offset like an answer does.
#pragma once

#include "core/events.hpp"
#include "net/clock_offset.hpp"
#include "net/message.hpp"

#include <compss/detail/task_node.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace compss::rt {
class Runtime;
}

namespace compss::net {

class WorkerLink;

/// Thread-safety: any member from any thread (answers arrive on every link's receiver
/// thread). Lock order: mutex_, then a ClockOffset's own.
///
///   rt::EventTime ended = events.answered(*t, n, request, done.times, sent_at, rt::event_now());
///   runtime.end_attempt(t, deadline, Outcome::ok, {}, ended);
class RemoteEvents {
 public:
  /// `links`: the cluster's node slots, indexed by node (links[0], the master, is null), of
  /// which the first `nodes` are filled.
  RemoteEvents(rt::Runtime& runtime, const std::vector<std::unique_ptr<WorkerLink>>& links,
               const std::atomic<std::size_t>& nodes)
      : runtime_(runtime), links_(links), node_count_(nodes) {}

  /// The answer to one attempt of `task` sent to `node` at master time `sent_at` as
  /// `request`, received at `answered_at`: tells `started` (when the body began) and the
  /// transfers of its inputs (sent inline by the master; fetched by the worker from a
  /// peer). Returns when the body ended on the master's clock, or 0 when it never began.
  /// With `started_told`, the cluster told `started` at the send already (a task with a
  /// time_out): only the transfers and the end time come from the answer.
  rt::EventTime answered(const detail::TaskBase& task, int node, const TaskRequest& request,
                         const WorkerTimes& times, rt::EventTime sent_at,
                         rt::EventTime answered_at, bool started_told = false);

  /// The master received `bytes` of version `version` (net/version_number.hpp) of datum
  /// `data_id` from node `from`, from `begin` until now; told as the registry's version.
  void fetched(std::uint64_t data_id, std::uint64_t version, std::uint64_t bytes, int from,
               rt::EventTime begin);

  /// The estimated clock offset of `node` (master = worker + offset) and its error bound
  /// in ns; {0, 0} before its first answer.
  std::pair<std::int64_t, std::int64_t> offset(int node);

  /// From now on answers remember which attempt each request was, for the workers' own
  /// events (set before the first task is sent).
  void record_worker_events() noexcept { worker_events_ = true; }

  /// Worker `node` sent back a clock probe (ClockProbe) at master time `received`.
  void probed(int node, const ClockProbe& reply, rt::EventTime received);

  /// Worker `node` sent a batch of its own events: each is told as NodeActivity.
  void worker_events(int node, const WorkerEvents& batch);

 private:
  /// What the master knows of one worker: its clock, and how it answers for traces.
  struct NodeState {
    ClockOffset clock;
    std::uint32_t probes = 0;          // clock probes it answered
    std::uint64_t events_dropped = 0;  // its own events it could not keep
  };
  /// One attempt sent to a worker, by the request's id there: for its own events.
  struct SentAttempt {
    std::uint64_t task_id = 0;
    unsigned attempt = 0;
    rt::EventTime sent = 0;
    rt::EventTime answered = 0;
  };
  ClockOffset& offset_of(int node);
  NodeState& state_of(int node);  // (mutex_ held)
  /// Tells observers `node`'s clock as it is now.
  void tell_clock(int node, rt::EventTime now);
  /// The node whose data listener is at `address` ("host:port"), or -1.
  int node_at(const std::string& address) const;
  void transfer(const rt::DataTransferred& t);

  rt::Runtime& runtime_;
  const std::vector<std::unique_ptr<WorkerLink>>& links_;
  const std::atomic<std::size_t>& node_count_;  // (the filled slots of links_)
  std::mutex mutex_;
  std::map<int, NodeState> nodes_;  // by node (map: a ClockOffset never moves)
  std::atomic<bool> worker_events_{false};
  /// {node, request id} -> the attempt (at most max_attempts, then forgotten all at once:
  /// an attempt's entry goes when its last event came).
  std::map<std::pair<int, std::uint64_t>, SentAttempt> attempts_;
  static constexpr std::size_t max_attempts = 1 << 16;
};

}  // namespace compss::net
