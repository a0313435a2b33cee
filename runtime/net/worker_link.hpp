// WorkerLink: the master's connection to one worker. Many threads send task requests on
// it at once; one receiver thread reads the answers and completes each call (a task's
// completion runs on that thread: no hand-off to a waiting thread). When the connection
// breaks, every pending call ends with `lost` (the worker died or went away). A worker
// that is not heard from for the link's time-out (it sends a Heartbeat several times in
// that time, even while its tasks run) is declared lost the same way: the link is closed,
// so nothing it sends later is read (docs/distributed.md, "Liveness"). The master
// fetches values from the worker's data listener (PeerFetcher), not over this link.
#pragma once

#include "net/endpoint.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace compss::net {

/// The outcome of a task request.
struct CallResult {
  enum class Status { done, failed, lost } status = Status::lost;
  TaskDone done;
  TaskFailed failed;
  std::string why;  ///< for `lost`: why the connection ended
  /// For `lost`: the worker may have been running it when the connection ended. A worker
  /// takes requests in the order they were written, one per core, so of the requests it
  /// had not answered, the `cores` oldest are the ones it may have started (the others
  /// still waited in its queue). Over-approximates by the requests it had not taken yet
  /// when fewer than `cores` ran, and by answers the dying worker wrote but the master
  /// never read.
  bool was_running = false;
};

/// True for a failure that carries what an on_failure(ignore) body wrote before it threw
/// (TaskFailed::ignored_writes, v16: its outputs stored as a success's, its private files
/// to keep).
inline bool carries_ignored_writes(const CallResult& r) noexcept {
  return r.status == CallResult::Status::failed && r.failed.ignored_writes;
}

/// Those writes as a success's outputs, moved out of the failure (carries_ignored_writes).
inline TaskDone take_ignored_writes(CallResult& r) {
  return TaskDone{r.failed.task_id, std::move(r.failed.outputs)};
}

/// What to do with the outcome of a request sent with call_async.
using CallDone = std::function<void(CallResult&&)>;

/// One worker as the master sees it.
///
///   WorkerLink link(1, endpoint, hello, "127.0.0.1", on_lost);
///   CallResult r = link.call(request);                     // waits for the answer
///   link.call_async(message, [](CallResult&& r) { ... });  // returns at once
class WorkerLink {
 public:
  /// Takes an admitted connection whose Hello was already read. `on_lost(node, why)` is
  /// called once, from the receiver thread, when the connection ends unexpectedly. With a
  /// `timeout` (zero: none), the worker is told it in a Heartbeat first, and is declared
  /// lost (on_lost, then the link closes) once nothing came from it for that long.
  /// `on_note(node, message)`, when set, gets what the worker sends besides answers and
  /// heartbeats (ClockProbe replies, WorkerEvents: for traces; DataEvicted: copies it
  /// dropped), on the receiver thread, in order with its answers.
  WorkerLink(int node, std::shared_ptr<Endpoint> endpoint, Hello hello, std::string host,
             std::function<void(int, const std::string&)> on_lost,
             std::chrono::milliseconds timeout = {},
             std::function<void(int, Message&&)> on_note = {});
  ~WorkerLink();
  WorkerLink(const WorkerLink&) = delete;
  WorkerLink& operator=(const WorkerLink&) = delete;

  /// Sends the TaskRequest held by `message` (its task_id is replaced by a link-unique
  /// number; nothing else changes) and returns once it is written. `done` runs exactly
  /// once: on the receiver thread with the worker's answer or `lost`, or on this thread
  /// when the link is already gone or the send fails. The caller keeps `message` alive
  /// and unchanged until `done` runs (the send may still be reading it).
  void call_async(Message& message, CallDone done);

  /// Sends the request and waits for the worker's answer or the end of the connection
  /// (the request is left as it was sent). Not on the receiver thread.
  CallResult call(TaskRequest& request);

  /// Tells the worker it may drop versions <= `version` of `data_id` (`only_this`: that
  /// version alone) (no answer). While
  /// the worker has requests in flight and answers often (its last answer is more recent
  /// than release_wait()), the release waits to go with the next request, after an answer
  /// that leaves the worker idle, or once the worker has not answered for
  /// max(0.1 s, release_wait()), so it costs the worker no wake-up of
  /// its own. To an idle worker, one busy with a long task, or once 256 are waiting,
  /// releases go at once.
  void release(std::uint64_t data_id, std::uint64_t version, bool only_this = false) noexcept;

  /// How recent the worker's last answer must be for a release to wait (default 5 ms:
  /// a worker running short tasks answers far more often; a long task's memory is not
  /// held back). Tests set it.
  void set_release_wait(std::chrono::microseconds wait) noexcept { release_wait_ = wait; }

  /// Sends a message that needs no answer to match (a ClockProbe); false when the link
  /// is gone or the send failed.
  bool send_note(const Message& message) noexcept;

  /// For a worker sharing the master's files, at its admission: asks whether it reaches
  /// the run's directory of kept links (net/kept_files.hpp, ask_worker: a Heartbeat naming
  /// it); its answer, read by the receiver, is told to kept_files (worker_answered), and
  /// its loss too (worker_gone). A remake placed on it before it said it does reads a link
  /// beside the file (kept_files::link_for). Nothing when there is nothing to ask.
  void ask_whether_it_reaches_kept_links();

  /// Sends Shutdown once (so many workers can be told before waiting for any).
  void begin_shutdown() noexcept;
  /// Orderly end: Shutdown (if not sent yet), then waits (bounded) for the worker to
  /// close, and joins.
  void shutdown() noexcept;

  /// Declares the worker lost now, for `why` (a task of it timed out and did not return:
  /// docs/failures.md, "Restarting a worker"): the connection is closed, the receiver
  /// reports the loss (on_lost) with `why` and ends every call with `lost` (none marked
  /// was_running: the tasks beside the stuck one did not kill it). The worker sees
  /// its master's connection end and exits. No effect once the link is gone.
  void cut_off(const std::string& why);

  int node() const noexcept { return node_; }
  bool alive() const noexcept { return alive_.load(std::memory_order_acquire); }
  const Hello& hello() const noexcept { return hello_; }
  /// "host:port" of the worker's data listener, for peers that fetch from it.
  const std::string& data_address() const noexcept { return data_address_; }
  const std::string& name() const noexcept { return hello_.node_name; }
  /// The worker's address as the master sees it (its host in an MPI host file).
  const std::string& host() const noexcept { return host_; }

 private:
  void receive_loop();
  /// Sends the waiting releases, then `message` if not null, in one write. Keeps their
  /// order: a release taken here is written before any request that is sent later.
  std::error_code send_with_releases(const Message* message);
  /// The same, with send_mutex_ held by the caller.
  std::error_code send_taking_releases(const Message* message);
  /// Sends the waiting releases (`only_if_idle`: only when no request is in flight to
  /// take them along). Never waits for another sender.
  void flush_releases(bool only_if_idle);
  void end_all(const std::string& why);
  /// The watcher thread (with a time-out): declares the worker lost when it is silent.
  void watch_loop();
  void heard(std::chrono::steady_clock::time_point when) noexcept {
    last_heard_.store(when.time_since_epoch().count(), std::memory_order_relaxed);
  }
  /// The call waiting for the answer with this id (removed), or an empty function.
  CallDone take_call(std::uint64_t id);

  int node_;
  std::shared_ptr<Endpoint> endpoint_;
  Hello hello_;
  std::string host_;
  std::string data_address_;
  std::function<void(int, const std::string&)> on_lost_;
  std::function<void(int, Message&&)> on_note_;
  std::atomic<bool> alive_{true};
  std::atomic<bool> closing_{false};
  std::uint64_t next_request_ = 1;  // guarded by send_mutex_: ids grow in the order written

  std::mutex mutex_;
  std::unordered_map<std::uint64_t, CallDone> calls_;
  std::vector<Message> pending_releases_;  // guarded by mutex_
  std::atomic<std::chrono::steady_clock::rep> last_answer_{0};  // steady_clock ticks; 0: none
  std::atomic<std::chrono::microseconds> release_wait_{std::chrono::milliseconds(5)};
  // Liveness: a frame or some bytes came from the worker at last_heard_ (steady_clock
  // ticks). `lost_why_` (guarded by mutex_) is set when the watcher declared it lost.
  std::chrono::milliseconds timeout_{0};
  std::atomic<std::chrono::steady_clock::rep> last_heard_{0};
  std::string lost_why_;
  // Set (guarded by mutex_) by cut_off: the master ended it on purpose (a restart), so the
  // tasks it was running did not kill it: none counts as a worker death (was_running).
  bool cut_off_ = false;
  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;  // guarded by watch_mutex_
  std::thread watcher_;
  // Taking waiting releases and writing them are one step; a request's id is taken in the
  // same step. Lock order: send_mutex_, then mutex_.
  std::mutex send_mutex_;
  std::thread receiver_;
};

}  // namespace compss::net
