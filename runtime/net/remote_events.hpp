// RemoteEvents: the task events of what happens on workers, told on the master (which is
// where observers live): an attempt's start on its worker and the transfers of its inputs
// (from the worker's report, WorkerTimes, converted to the master's clock), and the values
// the master fetches from workers. The ended event itself is end_attempt's, at the time
// answered() returns. Called only while observers are installed.
//
// Events name data by the registry's identity (id and version, as TaskSubmitted does).
// The cluster's requests carry its own (net/data_directory.hpp): an input is named by the
// task's parameter; a version a worker made is mapped back when its task answers, so a
// later fetch of it by the master can be named too (a fetch of a version made before the
// observer was installed is not told).
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
  /// `links`: the cluster's worker links, indexed by node (links[0], the master, is null);
  /// fixed once the workers are admitted.
  /// `links`: the cluster's node slots, of which the first `nodes` are filled.
  RemoteEvents(rt::Runtime& runtime, const std::vector<std::unique_ptr<WorkerLink>>& links,
               const std::atomic<std::size_t>& nodes)
      : runtime_(runtime), links_(links), nodes_(nodes) {}

  /// The answer to one attempt of `task` sent to `node` at master time `sent_at` as
  /// `request`, received at `answered_at`: tells `started` (when the body began) and the
  /// transfers of its inputs (sent inline by the master; fetched by the worker from a
  /// peer). Returns when the body ended on the master's clock, or 0 when it never began.
  /// With `done`, learns the registry's names of the versions it made. With
  /// `started_told`, the cluster told `started` at the send already (a task with a
  /// time_out): only the transfers and the end time come from the answer.
  rt::EventTime answered(const detail::TaskBase& task, int node, const TaskRequest& request,
                         const WorkerTimes& times, bool done, rt::EventTime sent_at,
                         rt::EventTime answered_at, bool started_told = false);

  /// The master received `bytes` of the cluster's version `version` of datum `data_id`
  /// from node `from`, from `begin` until now.
  void fetched(std::uint64_t data_id, std::uint64_t version, std::uint64_t bytes, int from,
               rt::EventTime begin);

  /// The estimated clock offset of `node` (master = worker + offset) and its error bound
  /// in ns; {0, 0} before its first answer.
  std::pair<std::int64_t, std::int64_t> offset(int node);

 private:
  ClockOffset& offset_of(int node);
  /// The node whose data listener is at `address` ("host:port"), or -1.
  int node_at(const std::string& address) const;
  void transfer(const rt::DataTransferred& t);

  rt::Runtime& runtime_;
  const std::vector<std::unique_ptr<WorkerLink>>& links_;
  const std::atomic<std::size_t>& nodes_;
  std::mutex mutex_;
  std::map<int, ClockOffset> offsets_;  // by node (map: a ClockOffset never moves)
  using Version = std::pair<std::uint64_t, std::uint64_t>;  // {datum id, version}
  /// The cluster's versions workers made -> the registry's (at most max_names, then
  /// forgotten all at once: names of old versions are rarely asked for again).
  std::map<Version, Version> names_;
  static constexpr std::size_t max_names = 1 << 20;
};

}  // namespace compss::net
