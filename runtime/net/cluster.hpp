// Cluster: the master side of a master-worker run. It admits the workers, places every
// ready task on a node (the master's own cores are node 0), sends travelling tasks to
// workers, keeps track of where each data version lives (net/data_directory.hpp), fetches
// values to the master only when the program or a task on the master needs them, and
// survives the loss of a worker: its tasks run again elsewhere and the versions only it
// held are made again from the tasks that produced them. docs/distributed.md.
// It is the Runtime's Backend (core/backend.hpp) in such a run; runtime/launch.cpp makes it.
#pragma once

#include "core/backend.hpp"
#include "core/runtime.hpp"
#include "net/blocking_lane.hpp"
#include "net/cluster_config.hpp"
#include "net/data_directory.hpp"
#include "net/global_values.hpp"
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

class IoThread;
class Listener;
class PeerFetcher;
class RemoteEvents;

class Cluster final : public rt::Backend {
 public:
  /// Listens (or adopts COMPSS_LISTEN_FD) and waits for the expected workers (bounded by
  /// the connect time-out; missing ones are reported). Throws compss::Error when it cannot
  /// listen.
  Cluster(rt::Runtime& runtime, rt::LocalExecutor& executor, ClusterConfig config);
  ~Cluster() override;

  /// Tasks may run on workers: the Runtime calls every hook.
  bool all_local() const noexcept override { return false; }

  /// A task was submitted: the values of the globals it reads are taken now. Bit i of
  /// `untouched` says no unfinished task used parameter i's
  /// object, so the program may have changed it since: copies of the master's version that
  /// workers keep are dropped (the object becomes a new version). A by-value argument
  /// copied now gets its object's latest version first (copy_latest_to_master).
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
  /// The master (node 0) and every worker with their slots (for the monitor).
  std::vector<NodeSlotsView> node_slots() override;
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
  /// Versions workers may drop: {datum id, {version, holders}}.
  using Drops = std::vector<std::pair<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>>>;
  /// The task wrote the master's copies in place (it ran on the master; or, `files_only`,
  /// on a worker sharing the master's files): each written datum becomes a new version
  /// only the master holds, the old one's holders go to `drops`. Data lock held.
  void master_wrote_params(detail::TaskBase* t, bool files_only, Drops& drops);
  /// A timed-out task's worker answered at last: its slot is free again.
  void free_held_slot(detail::TaskBase* t);
  void on_lost(int node, const std::string& why);
  void log(LogLevel level, const std::string& text) const;

  /// Fills `request` for node `n`. Returns false, with nothing sent or changed, when an
  /// input must first be fetched or made again and `may_block` is false.
  bool build_request(detail::TaskBase* t, int n, TaskRequest& request, bool may_block);
  void record_outputs(detail::TaskBase* t, int node, std::shared_ptr<const TaskRecord> sent,
                      TaskDone& done);
  /// Records that node `n` made output `o` (data lock held); a node that died meanwhile
  /// is not recorded as its holder. Returns the holders of the version before it.
  std::uint64_t record_produced(const WireParam& o, int n, std::shared_ptr<const TaskRecord> producer);
  /// A live node (0 = master) holding version v of datum id, else -1.
  int holder_of(std::uint64_t id, std::uint64_t v);
  /// Makes version v of datum id available somewhere (running its producers again, as far
  /// back in the lineage as needed, when every copy was lost); returns the holder, or
  /// from_snapshot for a version the master made and kept the bytes of. Throws
  /// compss::Error if impossible. Blocks: never on a receiver thread.
  int ensure_available(std::uint64_t id, std::uint64_t v);
  /// Where version v is now: a live holder, from_snapshot, or -1 (then `*producer`, if
  /// given, is the task that made it, if known). Data lock held.
  int available_at(std::uint64_t id, std::uint64_t v, std::shared_ptr<const TaskRecord>* producer);
  /// After a lineage walk: drops the versions made again only as inputs and superseded.
  void release_remade(const std::map<std::pair<std::uint64_t, std::uint64_t>, int>& remade,
                      std::pair<std::uint64_t, std::uint64_t> target);
  /// Runs `producer` again on a live worker, its inputs being available (returns early
  /// if one was lost meanwhile).
  void remake(std::uint64_t id, std::uint64_t v, const TaskRecord& producer);
  /// remake, unless another thread is running the same producer again: then waits for
  /// that run instead (the caller checks again what is available). So a lost version is
  /// made once however many tasks wait for it, and one producer never runs twice at once.
  void remake_once(std::uint64_t id, std::uint64_t v,
                   const std::shared_ptr<const TaskRecord>& producer);
  static constexpr int from_snapshot = -2;
  /// Loads the latest value of `d` into the master's object (data lock NOT held).
  void fetch_to_master(std::uint64_t id);
  /// Loads the latest values of many data into the master's objects (data lock NOT held).
  void fetch_all(const std::vector<std::uint64_t>& ids);
  /// Loads fetched bytes of version v into the master's object; false when the datum has
  /// moved on meanwhile (fetch again).
  bool load_fetched(std::uint64_t id, std::uint64_t v, const detail::HeldValue& value);
  /// The datum `id` once no fetch is receiving into its object (waits, data lock held).
  TrackedDatum* not_loading(std::unique_lock<std::mutex>& data, std::uint64_t id);
  /// Ends a fetch into the object of `id`: true when `value` is version `v` received in
  /// place (the master's object now holds it). Wakes writers waiting in not_loading.
  bool end_loading(std::uint64_t id, std::uint64_t v, const detail::HeldValue* value);
  void release(std::uint64_t id, std::uint64_t version, std::uint64_t holders);
  void release(const Drops& drops);
  /// When the master holds the latest version of datum `id` (an object or a file) and the
  /// program may change it: the copies workers keep are dropped and it becomes a new
  /// version. Otherwise nothing.
  void drop_worker_copies_of(std::uint64_t id);
  /// sync and sync_file: the latest version to the master; then, with `user_may_write`,
  /// the workers' copies are dropped (the program may change it).
  void sync_key(const detail::DataKey& key, bool user_may_write);
  /// The tracked datum of a task's parameter (object or file), or null (data lock held).
  TrackedDatum* find_tracked(const detail::ParamDescriptor& d);
  /// DataDirectory::track, after forgetting the datum of a dead object of another type at
  /// the address (its workers' copies are added to `retyped`). Under the data lock.
  TrackedDatum& track(const detail::ParamDescriptor& d, Drops& retyped);
  /// A by-value argument copied at submission (no writer pending): when the object's latest
  /// version lives on a worker (a finished task wrote it there), fetches it into the
  /// program's object first, so the copy is that version.
  void copy_latest_to_master(const detail::ParamDescriptor& d);
  /// The bytes of the master's copy of `x` as a request carries them inline.
  static std::vector<std::byte> master_bytes(const TrackedDatum& x);
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

  // Scheduling state (sched_mutex_): node slots and the ready queue. The links are fixed
  // once the workers are admitted (links_[0], the master, is null).
  std::mutex sched_mutex_;
  std::vector<sched::NodeSlots> slots_;
  std::vector<std::unique_ptr<WorkerLink>> links_;
  sched::ReadyQueue<detail::TaskBase*> queue_;
  std::vector<std::uint64_t> input_bytes_;  // pump's per-node input bytes of one task
  bool stopping_ = false;
  std::atomic<std::size_t> running_{0};
  /// Bit n: worker n is connected (cleared before its versions are dropped).
  std::atomic<std::uint64_t> live_{0};

  // Data state (data_mutex_; taken after sched_mutex_ when both are needed).
  std::mutex data_mutex_;
  std::condition_variable loaded_cv_;  // a TrackedDatum::loading ended
  /// The producers being run again now (remake_once), and their end.
  std::set<const TaskRecord*> remaking_;
  std::condition_variable remade_cv_;
  DataDirectory directory_;
  /// The globals tasks read: their values per submission, what each worker holds.
  GlobalValues globals_;

  BlockingLane lane_{2};
};

}  // namespace compss::net
