// Cluster: the master side of a master-worker run. It admits the workers (net/master/
// admission.hpp), places every ready task through the one scheduler (sched/scheduler.hpp:
// constraints, replicated, distributed; the master's own cores are node 0 when it has
// some, each worker a RemoteExecutor, net/master/remote_executor.hpp), sends travelling tasks to
// workers, and survives the loss of a worker: its tasks run again elsewhere. Its data
// plane (net/master/data_plane.hpp) keeps track of where each data version lives,
// fetches values to the master only when the program or a task on the master needs them,
// and makes versions only a lost worker held again from the tasks that produced them.
// A worker whose task outlives its time-out by the grace period is restarted (compss-run
// starts it again; it rejoins as a new node: net/cluster_restart.cpp). docs/distributed.md.
// It is the Runtime's Backend (core/backend.hpp) in such a run; runtime/launch.cpp makes it.
#pragma once

#include "core/backend.hpp"
#include "config/xml_nodes.hpp"
#include "core/runtime.hpp"
#include "local/executor.hpp"
#include "net/blocking_lane.hpp"
#include "net/cluster_config.hpp"
#include "net/master/attempt_driver.hpp"
#include "net/master/attempt_policy.hpp"
#include "net/master/cluster_node.hpp"
#include "net/master/remote_attempt.hpp"
#include "net/master/remake_placements.hpp"
#include "net/master/remote_executor.hpp"
#include "net/worker_link.hpp"
#include "sched/scheduler.hpp"

#include <compss/detail/task_node.hpp>
#include <compss/this_task.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace compss::net {

struct AdmittedWorker;
class ClockProbes;
class DataPlane;
class IoThread;
class Listener;
class PeerFetcher;
class RemoteEvents;
class RestartRequests;
class StreamService;
class WorkerDataLinks;

class Cluster final : public rt::Backend, private AttemptCluster {
 public:
  /// Listens (or adopts COMPSS_LISTEN_FD) and waits for the expected workers (bounded by
  /// the connect time-out; missing ones are reported). Throws compss::Error when it cannot
  /// listen.
  Cluster(rt::Runtime& runtime, rt::LocalExecutor& executor, ClusterConfig config);
  ~Cluster() override;

  /// Tasks may run on workers: the Runtime calls every hook.
  bool all_local() const noexcept override { return false; }

  /// A task was submitted: a task no node can ever run fails now; then
  /// DataPlane::submitted (globals' values, stale copies dropped, by-value copies of the
  /// latest version).
  void submitted(detail::TaskBase* t, std::uint64_t untouched) override;

  /// A task whose predecessors finished: placed on a node now, or queued in the scheduler
  /// until a node's free resources fit it.
  void ready(detail::TaskBase* t) override;
  /// Before a task runs on the master (t->node <= 0): brings the inputs it reads to the
  /// master's objects (DataPlane::before_run).
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
  /// Removes the private files of the requests not answered (UnansweredFiles).
  void tell_run_ended() noexcept override;

  /// The name worker `node` (> 0) gave in its Hello, as failure reports show it; node 0
  /// is "master".
  ///
  ///   cluster.node_name(t->node) == "localhost-2"
  std::string node_name(int node) const override;

  /// Tasks placed and running, and tasks waiting in the scheduler (for the progress line).
  std::size_t running() const noexcept override { return running_.load(std::memory_order_relaxed); }
  /// The master (node 0) and every worker with their slots (for the monitor).
  std::vector<NodeSlotsView> node_slots() override;
  std::size_t queued();

 private:
  using Deadline = rt::Watchdog::Clock::time_point;
  /// One attempt of a task on a node (net/master/remote_attempt.hpp).
  using Call = RemoteAttempt;
  /// The state of a replicated task's call while its replicas run (one attempt over all).
  struct Replicas;

  /// True when the task may run on a worker (else it runs on the master). Tracks the
  /// data it passes, claiming their shape (DataDirectory::claim).
  bool can_travel(const detail::TaskBase& t);
  /// The scheduler's type of a task type (registered on first use: its constraints
  /// parsed, which throws compss::Error for malformed ones).
  const sched::TaskClass* class_of(const detail::TaskSpec& spec);
  /// Adds the master's node (`cores` CPU units, its memory) to the scheduler.
  sched::NodeId add_master_node(unsigned cores);
  /// Fails the waiting calls remove_node handed back (no live node can run them).
  void fail_stranded(const std::vector<void*>& stranded);
  /// The locality policy's preferred nodes of `t`: those holding bytes of its inputs.
  std::size_t preferences(const detail::TaskBase& t, std::span<sched::Preference> out);
  /// Hands a ready task (or a moving attempt, in the driver's moving()) to the scheduler;
  /// `avoid`: the cluster node it failed on. A task no live node can run is failed
  /// (unplaceable).
  void place(detail::TaskBase* t, int avoid = -1) override;
  /// A task the scheduler cannot place: its moving attempt fails, or a fresh task fails
  /// at once (and goes to the executor, which skips it: the runtime has failed).
  void unplaceable(detail::TaskBase* t, const std::string& why);
  /// The scheduler placed `t` on node `n` (ClusterNode::run): start it there, or go on
  /// with its moving attempt.
  void dispatch(detail::TaskBase* t, int n, unsigned computing_units, unsigned gpus);
  /// The nodes `t` holds as a gang placed on node `n` (MPI, multinode), as host names and
  /// processes, `n` first; empty for a task on one node. Hosts: a worker's address as the
  /// master sees it, the master's host name.
  std::vector<detail::TaskHost> hosts_of(const detail::TaskBase* t, int n) const;
  /// The same for a gang's allocation (empty for one node).
  std::vector<detail::TaskHost> hosts_of(const sched::Allocation& a) const;
  /// Runs `t` on the master's executor with `computing_units` cores (and `gpus` GPUs)
  /// made known to it, its placement told then (`placed_at`, 0: not told). A task with an
  /// input lost with its worker gives its placement back first, untold, and runs
  /// remake_then_ready on the lane instead (not once the run failed: the executor skips it).
  void run_on_master(detail::TaskBase* t, unsigned computing_units, unsigned gpus,
                     rt::EventTime placed_at) override;
  /// On the lane: makes `lost` (inputs of `t`, which holds no node) available again, then
  /// places `t` again (ready); fails it (unplaceable) when they cannot be made again.
  /// Once the run failed, makes nothing and hands `t` to the executor, which skips it.
  void remake_then_ready(detail::TaskBase* t, std::span<const std::pair<std::uint64_t, std::uint64_t>> lost);
  /// What `t` holds as the scheduler placed it on node `n` (empty when it is not).
  sched::Allocation allocation_on(const detail::TaskBase* t, int n) const;
  /// The gang `t` placed on node `n` is about to start: false when one of its nodes was
  /// already lost (the scheduler placed it before it heard of the loss: the loss's
  /// stop_gangs_using has not seen it); else it is recorded in gangs_started_ so that a
  /// later loss of one of its nodes finds it (net/cluster_gang_loss.cpp). True for a task
  /// on one node.
  bool gang_may_start(const detail::TaskBase* t, int n) override;
  /// Gives back the reservation `t` holds on node `n`; true if it held one.
  bool release_placement(const detail::TaskBase* t, int n) override;
  /// replicated: the call's state, made (its attempt begun) by the first replica to start
  /// or by its end when none started (`master_last`: its Replicas::master_last, when it
  /// makes it). With sched_mutex_ held.
  /// `time_out`: of the version the replica starting runs (the call's deadline is armed
  /// for the longest so far).
  std::shared_ptr<Replicas> replicated_call(detail::TaskBase* t, bool master_last, double time_out);
  /// replicated: one replica placed on node `n` (the first begins the call's attempt)
  /// with the cores and GPUs its placement reserved.
  void start_replica(detail::TaskBase* t, int n, unsigned computing_units, unsigned gpus);
  /// Sends a replica's request to worker `n` (without `may_block`, through the lane when
  /// an input must be fetched or made first). `computing_units` and `gpus`: its
  /// placement's, read once at its start (a build waiting for a remake may give the
  /// placement back; every resend runs with them all the same).
  /// (`missing_tries`: its answers "an input went missing" so far; each is sent again.)
  void send_replica(detail::TaskBase* t, int n, unsigned computing_units, unsigned gpus, bool may_block,
                    int missing_tries = 0);
  /// A worker replica succeeded but its outputs are not the call's: the inputs it kept
  /// are recorded at once (its answer's order), its outputs kept in its Replicas to be
  /// released there when the call ends.
  void keep_unrecorded(detail::TaskBase* t, int n, std::shared_ptr<const TaskRequest> record,
                       const TaskDone& done);
  /// A replica's outcome (the first success's outputs are recorded); its reservation is
  /// given back, and the last one ends the call (finish_replicated).
  void replica_ended(detail::TaskBase* t, int n, rt::Runtime::Outcome outcome, const rt::TaskError& err);
  /// Every replica of `t` ended (the scheduler's call_ended): the call's attempt ends.
  void finish_replicated(void* task);
  // AttemptCluster (the driver's view of the cluster, net/master/attempt_driver.hpp).
  RemoteExecutor& worker(int n) override { return *workers_[static_cast<std::size_t>(n)]; }
  void gang_paused(const detail::TaskBase* t) override;
  std::vector<detail::TaskHost> gang_hosts(const detail::TaskBase* t, int n) override;
  void post(std::function<void()> job) override { lane_.post(std::move(job)); }
  /// Runs `job` on the blocking lane after `delay`.
  void after(std::chrono::milliseconds delay, std::function<void()> job) override;
  void on_timer(std::chrono::milliseconds delay, std::function<void()> job) override;
  void on_lost(int node, const std::string& why);
  /// Node `lost` (scheduler id `lost_id`) left the run: the gangs it held a share of,
  /// running from another node, lost part of their program. Each such worker is let go
  /// (its programs stopped, the task placed again: net/cluster_gang_loss.cpp).
  void stop_gangs_using(int lost, sched::NodeId lost_id);
  /// (--log-level info) "task 'sim' (id 4) runs over worker 1 (localhost-1) x 1, worker 2
  /// (localhost-2) x 1": the nodes of the gang `t` starts on node `n`, first first.
  void log_gang(const detail::TaskBase* t, int n) const;

  /// Makes an admitted worker a node (the next free number): at start, and when a
  /// restarted worker comes back. Returns its node number (-1: refused, the run ends).
  int add_worker(AdmittedWorker&& w);
  // Restarting a worker whose task timed out and did not return (net/cluster_restart.cpp;
  // docs/failures.md, "Restarting a worker").
  /// `t` timed out on worker `n` (its reservation kept): after the grace period, if it
  /// still has not returned, its worker is restarted (restart_if_stuck).
  void timed_out_on_worker(const detail::TaskBase* t, int n);
  /// The worker answered `t` (or was lost) after its time-out: nothing to restart for it.
  void returned_after_time_out(const detail::TaskBase* t) override;
  /// The grace period of `t` (its `serial`-th time-out) is over.
  void restart_if_stuck(const detail::TaskBase* t, std::uint64_t serial);
  /// A worker that said Hello after the start (the listener's rejoin): taken, as a new
  /// node, when it is a restarted one.
  bool rejoin(const Hello& hello, const std::shared_ptr<Endpoint>& endpoint);
  void log(LogLevel level, const std::string& text) const;

  // Elasticity (net/cluster_elastic.cpp; docs/distributed.md, "Elasticity and snapshots").
 public:
  /// request_resources: asks compss-run for `n` more workers (they join through rejoin).
  void request_nodes(unsigned n) override;
  /// free_resources, after the program's snapshot: retires the `n` most recently joined
  /// live workers (all of them, with a warning, when fewer are live).
  void retire_nodes(unsigned n) override;

 private:
  /// Takes worker `n` out of the run (no task placed there again, its copies forgotten)
  /// and stops its process with an orderly Shutdown. False when it was not alive.
  bool retire(int n);

  /// A live worker other than `avoid` (the one holding fewest placements), or -1.
  int choose_live_worker(int avoid);
  /// DataLinks::choose_worker: where lost data is made again by running `request` (its
  /// producer's recorded request), placed through the scheduler as a call of its own
  /// (remake_class_of): it waits until a live node's free resources fit a version of the
  /// producer and reserves them (the master's node too when it has cores and the producer
  /// may run in the master's process: remakes_on_master); the request then names that
  /// version and what was reserved. Throws compss::Error (the scheduler's reason) when no
  /// live node can run it; -1 when no node is left.
  int choose_remake_worker(TaskRequest& request);
  /// DataLinks::lend_worker: the thread's replica_lender's worker when a version of the
  /// producer fits the cores that replica holds there (lend_cores), else -1. Throws
  /// ReplicaWorkerLost when that worker is lost (its build ends as lost).
  int lend_remake_worker(TaskRequest& request);
  /// DataLinks::remake_ended: gives back the reservation choose_remake_worker made.
  void remake_ended(const TaskRequest& request) noexcept;
  /// DataLinks::call on node 0: runs a remake placed on the master's node in this process
  /// (as a worker runs a request: inputs inline or fetched from their holders, outputs
  /// inline), with the cores and GPUs its placement reserved.
  CallResult remake_on_master(TaskRequest& request);
  /// The scheduler's type for remakes of `producer`'s calls: the same versions and
  /// constraints, a priority type (a remake unblocks the tasks waiting for its data),
  /// neither replicated nor distributed.
  const sched::TaskClass* remake_class_of(const sched::TaskClass* producer);
  /// A ready task that cannot travel (can_travel): runs in the master's process. A
  /// constrained one is placed through the scheduler on the master's node alone
  /// (master_class_of), so its constraints count there; the others (unconstrained, stream,
  /// replicated/distributed, gangs, or no master node: --master-cores 0) run at once on
  /// the master's executor, outside the scheduler.
  void stay_on_master(detail::TaskBase* t);
  /// The scheduler's type for `spec`'s calls that stay on the master's node `master`: its
  /// versions and constraints, placed there alone (TaskType::only), never sent ahead.
  const sched::TaskClass* master_class_of(const detail::TaskSpec& spec, sched::NodeId master);
  /// A task with a stream parameter (docs/streams.md, "Streams across workers"): placed
  /// outside the scheduler, on the live worker other than `avoid` that runs fewest stream
  /// tasks (it holds none of the node's cores: the worker runs it on a thread of its own),
  /// or on the master when none is left.
  void place_stream_task(detail::TaskBase* t, int avoid);

  rt::Runtime& runtime_;
  rt::LocalExecutor& executor_;
  ClusterConfig config_;
  /// Remakes placed through the scheduler, until they end (before the executors, which
  /// hand their placements to it).
  RemakePlacements remakes_;
  /// The workers' resources.xml descriptions, taken over their reports (immutable).
  config::DeclaredNodes declared_;
  /// Destroyed after every member that made sockets or timers on its context (declared
  /// before them); its thread is stopped in ~Cluster first, since its timers' jobs use
  /// lane_ and driver_, destroyed before it.
  std::unique_ptr<IoThread> io_;
  std::unique_ptr<Listener> listener_;
  /// Fetches values the master waits for from the workers' data listeners.
  std::unique_ptr<PeerFetcher> fetcher_;
  /// Task events of what runs on workers (used only while observers are installed).
  std::unique_ptr<RemoteEvents> remote_events_;
  /// Reads the workers' clocks while the run is traced (else null).
  std::unique_ptr<ClockProbes> probes_;
  /// Serves the stream operations of stream tasks on workers (net/stream_service.hpp).
  std::unique_ptr<StreamService> stream_service_;
  /// The data side (its own lock, taken after sched_mutex_ when both are held), and what
  /// it asks of the workers.
  std::unique_ptr<WorkerDataLinks> data_links_;
  std::unique_ptr<DataPlane> data_;
  /// The data plane as the workers' RemoteExecutors build their requests from it.
  std::unique_ptr<RequestData> request_data_;

  // Placement. links_ and workers_ (index = node; [0], the master, is null) and
  // worker_sched_ (each worker's scheduler id) have a fixed size (the workers expected,
  // plus restarts); a slot is filled once, under sched_mutex_, before nodes_ counts it
  // (release): read slots below nodes_ without a lock, never the others. The
  // master's node exists when it has cores (or once no worker is left): master_node_,
  // master_sched_. The scheduler has its own lock (a leaf, never held while an executor
  // runs a task or call_ended runs); it calls the locality preferences under it, which
  // take the data plane's lock. Lock order: scheduler, sched_mutex_, the data plane's; nothing calls the
  // scheduler with sched_mutex_ or the data plane's lock held.
  std::vector<std::unique_ptr<WorkerLink>> links_;
  std::vector<std::unique_ptr<RemoteExecutor>> workers_;
  std::vector<std::atomic<sched::NodeId>> worker_sched_;
  std::atomic<std::size_t> nodes_{1};  // slots filled (the master's, 0, counts)
  std::unique_ptr<ClusterNode> master_node_;
  std::atomic<sched::NodeId> master_sched_{sched::IdSet::npos};
  std::atomic<bool> master_claimed_{false};  // add_master_node ran (or runs): once
  std::atomic<unsigned> master_cores_{0};  // (for node_slots)
  std::unique_ptr<sched::Scheduler> scheduler_;  // after the executors: destroyed first
  std::mutex classes_mutex_;  // a leaf
  // By TaskSpec (one per translation unit): the versions a call may run are those its
  // translation unit's spec lists, which other translation units' may not.
  std::unordered_map<const detail::TaskSpec*, const sched::TaskClass*> classes_;
  /// By the signature a request names (a task's or one of its versions'): its type and
  /// version there, for lineage's remakes (the first translation unit's spec registered).
  struct Producer {
    const detail::TaskSpec* spec;
    const sched::TaskClass* type;
    std::uint32_t version;
  };
  std::unordered_map<std::string, Producer> producers_;
  /// The producer a request's signature names (takes classes_mutex_), if registered.
  std::optional<Producer> producer_of(const std::string& signature);
  /// A remake asked by `holder`, a task placed on node `n` that waits for it (on the
  /// master's node in before_run, the thread's `lender`; a replica building its request,
  /// `replica_lender`): it runs on the cores that task holds, when a version of the
  /// producer fits them and the node, without a placement of its own (else the waiting
  /// task's cores could be the very ones it waits for). False when none fits.
  bool lend_cores(TaskRequest& request, const Producer& producer, const sched::TaskClass* c, int n,
                  const detail::TaskBase* holder);
  /// The thread's `lender` (a task on the master's node in before_run, placed before the
  /// loss was known: run_on_master gives a later one's node back) is about to wait for a
  /// remake it cannot lend to, that only the master's node can run, or for another
  /// thread's run of one: it gives its placement back, so the remake never waits for its
  /// cores, and then runs without them (placing it again from here could wait for
  /// executor threads that such waits hold). Never throws.
  void lender_waits() noexcept;
  /// lender_waits when no node but the master's (`master`) can run a remake of class `c`,
  /// counting as lost the nodes in `gone` and the workers the cluster knows are lost.
  /// Takes sched_mutex_, then the scheduler's lock (not nested).
  void lender_waits_if_only_master(const sched::TaskClass* c, sched::NodeId master,
                                   std::span<const sched::NodeId> gone);
  /// The thread's `replica_lender` (a replica building its request) is about to wait for
  /// a remake it cannot lend its cores to (the producer needs more), or for another
  /// thread's run of one: it gives its placement's resources back
  /// (ClusterNode::give_back), so the remake never waits for them, and its request then
  /// runs on its worker without them (its end still ends the replica). Never throws.
  void replica_waits() noexcept;
  /// (sched_mutex_ held) Whether worker `n` is alive for the cluster and its link.
  bool worker_usable_locked(std::size_t n) const;
  /// The thread's replica_lender lends its cores to `request` (lend_cores on its worker):
  /// its worker's number, or -1 when no version fits them. Throws ReplicaWorkerLost
  /// when that worker is lost.
  int replica_lends(TaskRequest& request, const Producer& producer, const sched::TaskClass* c);
  /// (classes_mutex_) A producer's type -> the type its remakes are placed as.
  std::unordered_map<const sched::TaskClass*, const sched::TaskClass*> remake_classes_;
  /// (classes_mutex_) By TaskSpec: the type of its calls that cannot leave the master's
  /// node (master_class_of).
  std::unordered_map<const detail::TaskSpec*, const sched::TaskClass*> master_classes_;
  // sched_mutex_: replicated calls, the workers alive,
  // the node slots' filling, the timed-out tasks whose worker may be restarted (stuck_).
  std::mutex sched_mutex_;
  std::unordered_map<const detail::TaskBase*, std::shared_ptr<Replicas>> replicas_;
  std::vector<bool> worker_alive_;
  std::vector<std::size_t> stream_tasks_;  // per node: stream tasks placed there and running
  bool stopping_ = false;
  bool run_ended_ = false;  // tell_run_ended: no worker joins again
  // Tasks timed out on a worker whose answer has not come: the node and which time-out.
  struct Stuck {
    int node = 0;
    std::uint64_t serial = 0;
  };
  std::unordered_map<const detail::TaskBase*, Stuck> stuck_;
  // (sched_mutex_) Gangs sent to their first node or started on the master, until they
  // end: a lost node stops only those (one placed but not started yet is refused by
  // gang_may_start).
  std::unordered_set<const detail::TaskBase*> gangs_started_;
  // (sched_mutex_) Tasks whose body runs in run_on_master's job: true once the watchdog
  // finished it (timed out) meanwhile; the job then gives its placement back on return.
  std::unordered_map<const detail::TaskBase*, bool> master_bodies_;
  std::uint64_t stuck_serial_ = 0;
  std::unique_ptr<RestartRequests> restarts_;  // thread-safe itself
  unsigned added_names_ = 0;  // guarded by sched_mutex_: workers request_nodes named so far
  std::atomic<std::size_t> running_{0};
  /// The Runtime, its task events and the data plane as the driver sees them (cluster.cpp).
  std::unique_ptr<AttemptRuntime> attempt_runtime_;
  std::unique_ptr<AttemptData> attempt_data_;
  /// The dispatch steps of the attempts on workers (start, send, answered, conclude,
  /// replace), and the attempts that move; made once data_ exists, destroyed after the
  /// lane (whose jobs call it).
  std::unique_ptr<AttemptDriver> driver_;

  BlockingLane lane_{2};
};

}  // namespace compss::net
