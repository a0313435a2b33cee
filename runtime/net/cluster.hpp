// Cluster: the master side of a master-worker run. It admits the workers, places every
// ready task on a node (the master's own cores are node 0), sends travelling tasks to
// workers, and survives the loss of a worker: its tasks run again elsewhere. Its data
// plane (net/master/data_plane.hpp) keeps track of where each data version lives,
// fetches values to the master only when the program or a task on the master needs them,
// and makes versions only a lost worker held again from the tasks that produced them.
// docs/distributed.md.
// It is the Runtime's Backend (core/backend.hpp) in such a run; runtime/launch.cpp makes it.
#pragma once

#include "core/backend.hpp"
#include "core/runtime.hpp"
#include "net/blocking_lane.hpp"
#include "net/cluster_config.hpp"
#include "net/worker_link.hpp"
#include "sched/placement.hpp"
#include "sched/ready_queue.hpp"

#include <compss/detail/task_node.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

namespace compss::net {

class DataPlane;
class IoThread;
class Listener;
class PeerFetcher;
class RemoteEvents;
class WorkerDataLinks;

class Cluster final : public rt::Backend {
 public:
  /// Listens (or adopts COMPSS_LISTEN_FD) and waits for the expected workers (bounded by
  /// the connect time-out; missing ones are reported). Throws compss::Error when it cannot
  /// listen.
  Cluster(rt::Runtime& runtime, rt::LocalExecutor& executor, ClusterConfig config);
  ~Cluster() override;

  /// Tasks may run on workers: the Runtime calls every hook.
  bool all_local() const noexcept override { return false; }

  /// A task was submitted (DataPlane::submitted: globals' values, stale copies dropped,
  /// by-value copies of the latest version).
  void submitted(detail::TaskBase* t, std::uint64_t untouched) override;

  /// A task whose predecessors finished: placed on a node now, or queued until a slot frees.
  void ready(detail::TaskBase* t) override;
  /// Before a task runs on the master (t->node <= 0): brings the inputs it reads to the
  /// master's objects.
  void before_run(detail::TaskBase* t) override;
  /// In Runtime::finish, before successors become ready: records what a task on the
  /// master wrote and frees its node's slot.
  void finished(detail::TaskBase* t) noexcept override;

  /// wait_on(object) / Future::get: brings the latest value to the master. With
  /// `user_may_write`, the master's copy becomes a new version (the program may change it).
  void sync(std::uintptr_t address, bool user_may_write) override;
  /// wait_on of a container: every tracked datum in the address range.
  void sync_range(std::uintptr_t begin, std::uintptr_t end) override;
  /// barrier / end of main: every value (and file) that lives only on workers.
  void sync_all() override;
  /// wait_on_file / open: the latest version of the file at `path` (a normalised path) is
  /// written to the master's file system.
  void sync_file(const std::string& path) override;
  /// The object (a future's state) at `address` is gone.
  void forget(std::uintptr_t address) noexcept override;

  /// Stops the workers (Shutdown) and the blocking lane.
  void shutdown() noexcept override;
  /// Sends every worker Shutdown without waiting for them to end: for a master about to
  /// exit without tasks that still run (time_out). A worker leaves such tasks and ends.
  void tell_run_ended() noexcept override;

  /// The name worker `node` (> 0) gave in its Hello, as failure reports show it; node 0
  /// is "master".
  ///
  ///   cluster.node_name(t->node) == "localhost-2"
  std::string node_name(int node) const override;

  /// Tasks placed and running, and tasks waiting for a slot (for the progress line).
  std::size_t running() const noexcept override { return running_.load(std::memory_order_relaxed); }
  std::size_t queued();

  /// Requests in flight per worker task slot when every slot is busy: the worker queues
  /// them, so it never waits for the master between tasks. (Not for tasks with a
  /// time_out: their clock starts when they are placed, and would run while queued.)
  static constexpr unsigned pipeline_depth = 4;

 private:
  using Deadline = rt::Watchdog::Clock::time_point;
  /// One attempt of a task on a worker: the request as sent (kept as the lineage of what
  /// it makes) and the attempt's deadline.
  struct Call;

  /// True when the task may run on a worker (else it runs on the master). Tracks the
  /// data it passes, claiming their shape (DataDirectory::claim).
  bool can_travel(const detail::TaskBase& t);
  /// Places queued tasks on nodes with room (scheduler lock held). Tasks for the master
  /// go to the executor; tasks for workers are added to `to_send`, which the caller
  /// passes to send_placed once the lock is released (a send may block on the socket).
  void pump(std::unique_lock<std::mutex>& lock, std::vector<detail::TaskBase*>& to_send);
  void send_placed(std::vector<detail::TaskBase*>& tasks);
  /// Starts the task's run on its worker (t->node > 0): the policy's first attempt.
  void start(detail::TaskBase* t);
  /// Builds and sends one attempt. Without `may_block`, work that would wait on the
  /// network moves to the blocking lane.
  void send(std::shared_ptr<Call> call, bool may_block);
  /// The worker answered (or was lost): outputs recorded, then the policy decides.
  void answered(std::shared_ptr<Call> call, int node, const std::shared_ptr<const Message>& sent,
                CallResult&& result);
  /// Applies the policy to an attempt's outcome: finish, send again, or let go.
  /// (`ended_at`: for task events, when it ended on its worker; 0 = now.)
  void conclude(std::shared_ptr<Call> call, rt::Runtime::Outcome outcome, const rt::TaskError& err,
                rt::EventTime ended_at = 0);
  /// Runs `job` on the blocking lane after `delay`.
  void after(std::chrono::milliseconds delay, std::function<void()> job);
  /// A timed-out task's worker answered at last: its slot is free again.
  void free_held_slot(detail::TaskBase* t);
  void on_lost(int node, const std::string& why);
  void log(LogLevel level, const std::string& text) const;

  int choose_live_worker(int avoid);
  /// Moves a placed task (and its slot) from node `from` to another live worker, or to
  /// the master when `from` is lost and no worker is left.
  void move_task(detail::TaskBase* t, int from);

  rt::Runtime& runtime_;
  rt::LocalExecutor& executor_;
  ClusterConfig config_;
  std::unique_ptr<IoThread> io_;
  std::unique_ptr<Listener> listener_;
  /// Fetches values the master waits for from the workers' data listeners.
  std::unique_ptr<PeerFetcher> fetcher_;
  /// Task events of what runs on workers (used only while observers are installed).
  std::unique_ptr<RemoteEvents> remote_events_;
  /// The data side (its own lock, taken after sched_mutex_ when both are held), and what
  /// it asks of the workers.
  std::unique_ptr<WorkerDataLinks> data_links_;
  std::unique_ptr<DataPlane> data_;

  // Scheduling state (sched_mutex_): node slots and the ready queue. The links are fixed
  // once the workers are admitted (links_[0], the master, is null).
  std::mutex sched_mutex_;
  std::vector<sched::NodeSlots> slots_;
  std::vector<std::unique_ptr<WorkerLink>> links_;
  sched::ReadyQueue<detail::TaskBase*> queue_;
  std::vector<std::uint64_t> input_bytes_;  // pump's per-node input bytes of one task
  bool stopping_ = false;
  std::atomic<std::size_t> running_{0};

  BlockingLane lane_{2};
};

}  // namespace compss::net
