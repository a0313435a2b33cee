#include "net/cluster.hpp"

#include "core/access.hpp"
#include "core/runtime.hpp"
#include "exec/process.hpp"
#include "local/backend.hpp"
#include "local/constrained.hpp"
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/attempt_files.hpp"
#include "net/kept_files.hpp"
#include "net/master/admission.hpp"
#include "net/master/data_plane.hpp"
#include "net/master/output_load.hpp"
#include "net/master/remake_order_hook.hpp"
#include "net/master/restart_requests.hpp"
#include "net/master/worker_data_links.hpp"
#include "net/peer_fetch.hpp"
#include "net/clock_probes.hpp"
#include "net/remote_events.hpp"
#include "net/start_wait.hpp"
#include "net/stream_service.hpp"
#include "net/tcp_connection.hpp"
#include "net/worker.hpp"
#include "sched/task_type_of.hpp"
#include "sched/gang.hpp"

#include <boost/asio/steady_timer.hpp>

#include <compss/detail/remote_invoke.hpp>
#include <compss/error.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace compss::net {

using detail::TaskBase;


namespace {
/// Workers a run restarts or adds (request_resources) at most (each takes a new node
/// number: the node slots are sized once, at start).
constexpr std::size_t max_worker_restarts = 256;
}  // namespace

namespace {
/// The data plane as the workers' RemoteExecutors see it.
class PlaneRequestData final : public RequestData {
 public:
  explicit PlaneRequestData(DataPlane& plane) : plane_(plane) {}
  bool build(TaskBase* t, int node, TaskRequest& request, bool may_block) override {
    return plane_.build_request(t, node, request, may_block);
  }
  Versions lost_inputs(const TaskBase& t) override { return plane_.lost_inputs(t); }
  void received(const TaskBase& t, int node, const TaskRequest& sent) override {
    plane_.globals_received(t, node, sent);
  }

 private:
  DataPlane& plane_;
};

/// The Runtime and its remote task events as the AttemptDriver sees them.
class RuntimeAttempts final : public AttemptRuntime {
 public:
  RuntimeAttempts(rt::Runtime& runtime, RemoteEvents& events) : runtime_(runtime), events_(events) {}
  bool cancelled_before_start(TaskBase* t) override { return runtime_.cancelled_before_start(t); }
  Deadline begin_attempt(TaskBase* t) override { return runtime_.begin_attempt(t); }
  bool withdraw_attempt(TaskBase* t, Deadline deadline) override { return runtime_.withdraw_attempt(t, deadline); }
  bool disarm_attempt(TaskBase* t, Deadline& deadline, double time_out) override {
    return runtime_.disarm_attempt(t, deadline, time_out);
  }
  rt::Runtime::AfterAttempt end_attempt(TaskBase* t, Deadline deadline, rt::Runtime::Outcome outcome,
                                        const rt::TaskError& error, rt::EventTime ended_at) override {
    return runtime_.end_attempt(t, deadline, outcome, error, ended_at);
  }
  void finish(TaskBase* t) override { runtime_.finish(t); }
  bool observed() override { return runtime_.events().any(); }
  void notify_started(const TaskBase& t, const rt::Allocation& where, rt::EventTime at) override {
    runtime_.notify_started(t, where, at);
  }
  void notify_placed(const TaskBase& t, int n, unsigned computing_units, rt::EventTime at) override {
    runtime_.events().notify(&rt::TaskObserver::on_placed, rt::TaskPlaced{t.id(), n, computing_units, at, &t.spec()});
  }
  bool failed() override { return runtime_.failed(); }
  rt::EventTime answered(const TaskBase& t, int node, const TaskRequest& request, const WorkerTimes& times,
                         rt::EventTime sent_at, rt::EventTime answered_at, bool started_told) override {
    return events_.answered(t, node, request, times, sent_at, answered_at, started_told);
  }

 private:
  rt::Runtime& runtime_;
  RemoteEvents& events_;
};

/// The data plane as the AttemptDriver sees it.
class PlaneAttempts final : public AttemptData {
 public:
  explicit PlaneAttempts(DataPlane& plane) : plane_(plane) {}
  void record_outputs(TaskBase* t, int n, std::shared_ptr<const TaskRecord> record, TaskDone& done,
                      bool ignored_failure) override {
    plane_.record_outputs(t, n, std::move(record), done, ignored_failure);
  }
  void discard_late_outputs(int n, const TaskRecord& record, const TaskDone& done) override {
    plane_.discard_late_outputs(n, record, done);
  }
  std::vector<std::string> keep_group_exception_writes(TaskBase* t, int n, const TaskRequest& request,
                                                       const TaskFailed* failed) override {
    return plane_.keep_group_exception_writes(t, n, request, failed);
  }
  void globals_missing(const TaskBase& t, int n) override { plane_.globals_missing(t, n); }
  void make_available(std::span<const std::pair<std::uint64_t, std::uint64_t>> versions) override {
    plane_.make_available(versions);
  }

 private:
  DataPlane& plane_;
};
}  // namespace

Cluster::Cluster(rt::Runtime& runtime, rt::LocalExecutor& executor, ClusterConfig config)
    : runtime_(runtime), executor_(executor), config_(std::move(config)),
      declared_(config::DeclaredNodes::load(config_.resources_xml, config_.project_xml)) {
  const std::size_t slots = 1 + config_.workers_expected + max_worker_restarts;
  links_.resize(slots);
  workers_.resize(slots);
  worker_sched_ = std::vector<std::atomic<sched::NodeId>>(slots);
  for (auto& id : worker_sched_) id.store(sched::IdSet::npos, std::memory_order_relaxed);
  worker_alive_.assign(slots, false);
  stream_tasks_.assign(slots, 0);
  restarts_ = std::make_unique<RestartRequests>(config_.worker_restart_fd, max_worker_restarts);
  kept_files::begin_run();  // (a Cluster before it in this process: its workers' answers go)
  io_ = std::make_unique<IoThread>();
  ListenerOptions options;
  options.secret = config_.secret;
  if (config_.listen_fd >= 0) {
    listener_ = std::make_unique<Listener>(io_->context(), config_.listen_fd, options);
  } else {
    options.address = config_.listen_host;
    options.port = config_.listen_port;
    listener_ = std::make_unique<Listener>(io_->context(), options);
  }
  PeerFetchOptions fetch;  // the master's client of the workers' data listeners
  fetch.hello = Hello{.secret = config_.secret, .node_name = "master", .pid = static_cast<std::uint32_t>(::getpid())};
  fetch.silence_timeout = config_.worker_timeout;  // a worker that stopped answering
  fetcher_ = std::make_unique<PeerFetcher>(io_->context(), std::move(fetch));
  remote_events_ = std::make_unique<RemoteEvents>(runtime_, links_, nodes_);
  if (config_.worker_events) {
    remote_events_->record_worker_events();
    probes_ = std::make_unique<ClockProbes>(links_, nodes_, std::chrono::seconds(1));
  }
  {
    ListenerOptions streams;  // workers reach it at the address they reach the master at
    streams.address = listener_->address();  // (loopback when the master's is: not 0.0.0.0)
    streams.secret = config_.secret;
    stream_service_ = std::make_unique<StreamService>(io_->context(), std::move(streams),
                                                      StreamService::Role::master,
                                                      config_.log_level >= LogLevel::info);
  }
  // (Before any worker is admitted: a link may report its loss at once.)
  data_links_ = std::make_unique<WorkerDataLinks>(
      runtime_, links_, *fetcher_, *remote_events_,
      [this](TaskRequest& r) { return choose_remake_worker(r); },
      [this](TaskRequest& r) { return lend_remake_worker(r); },
      [this](const TaskRequest& r) { remake_ended(r); },
      [this](TaskRequest& r) { return remake_on_master(r); }, [this](bool placed) {
        if (placed) return;  // (that run holds its placement: it waits for no cores of ours)
        lender_waits();
        replica_waits();
      });
  data_ = std::make_unique<DataPlane>(*data_links_, config_.log_level);
  request_data_ = std::make_unique<PlaneRequestData>(*data_);
  attempt_runtime_ = std::make_unique<RuntimeAttempts>(runtime_, *remote_events_);
  attempt_data_ = std::make_unique<PlaneAttempts>(*data_);
  driver_ = std::make_unique<AttemptDriver>(*attempt_runtime_, *attempt_data_, static_cast<AttemptCluster&>(*this));
  sched::Scheduler::Options so;
  so.policy = config_.policy == SchedulerPolicy::lifo       ? sched::Policy::lifo
              : config_.policy == SchedulerPolicy::locality ? sched::Policy::locality
                                                            : sched::Policy::fifo;
  // (A remake's handle is no task: RemakePlacements.)
  so.call_ended = [this](void* t) {
    if (!remakes_.is_remake(t)) finish_replicated(t);
  };
  so.preferences = [this](void* t, std::span<sched::Preference> out) -> std::size_t {
    return remakes_.is_remake(t) ? 0 : preferences(*static_cast<TaskBase*>(t), out);
  };
  scheduler_ = std::make_unique<sched::Scheduler>(std::move(so));
  log(LogLevel::info, "master listening on port " + std::to_string(listener_->port()) +
                          ", waiting for " + std::to_string(config_.workers_expected) +
                          " worker(s)");
  master_node_ = std::make_unique<ClusterNode>(
      0, [this](TaskBase* t, int n, unsigned cu, unsigned gpus) { dispatch(t, n, cu, gpus); }, &remakes_);
  if (config_.master_cores > 0) add_master_node(config_.master_cores);
  StartWait wait(config_.workers_expected, config_.connect_timeout, config_.worker_exits_fd,
                 config_.require_workers);
  AdmissionSource source{[this](std::chrono::milliseconds t) { return listener_->accept(t); },
                         [](const Endpoint& ep) { return peer_host(ep); }};
  unsigned connected =
      admit_workers(wait, source, [this](AdmittedWorker&& w) { add_worker(std::move(w)); });
  if (wait.missing() > 0) {
    if (config_.require_workers) {
      shutdown();  // the workers that came are told to stop
      throw Error("compss: " + wait.report() +
                  ": this run requires every worker (compss-run --require-workers, "
                  "COMPSS_REQUIRE_WORKERS=1)");
    }
    // Loud: a run without its workers gives the right results, slowly, and rc 0.
    std::fprintf(stderr,
                 "compss: WARNING: %s: running on the %s (to make missing workers an error: "
                 "compss-run --require-workers, or COMPSS_REQUIRE_WORKERS=1)\n",
                 wait.report().c_str(), connected > 0 ? "others" : "master alone");
  }
  // Workers join at start only: a late one, or a lost one coming back (whose tasks and
  // data were given to others), is refused; a restarted one is a new node (rejoin).
  listener_->refuse_from_now(
      [](const Hello& h, const std::string& peer) {
        std::fprintf(stderr,
                     "compss: refused worker %s (pid %u) from %s: workers join only at the start "
                     "of a run, and a worker declared lost cannot come back\n",
                     h.node_name.c_str(), static_cast<unsigned>(h.pid), peer.c_str());
      },
      [this](const Hello& h, const std::shared_ptr<Endpoint>& ep) { return rejoin(h, ep); });
  if (connected == 0 && master_sched_.load() == sched::IdSet::npos) add_master_node(runtime_.threads());
  if (probes_) probes_->start();  // and during the run
}

int Cluster::add_worker(AdmittedWorker&& w) {
  w.resources = declared_.over_report(w.name, std::move(w.resources));  // (the XML wins)
  const unsigned cores = w.resources.units(sched::ProcessorType::cpu);
  const std::string summary = std::to_string(cores) + " cores, " +
                              std::to_string(w.hello.memory_mb) + " MB, " +
                              std::to_string(w.hello.gpus) + " GPUs";
  int id = 0;
  {
    // Its link's receiver starts at once and may report the loss at once (on_lost): the
    // worker's entries exist, under the lock, before the link does.
    std::lock_guard lock(sched_mutex_);
    const std::size_t slot = nodes_.load(std::memory_order_relaxed);
    if (slot >= links_.size() || stopping_ || run_ended_) {
      w.endpoint->close();  // (no slot left: restarts are bounded below the slots)
      return -1;
    }
    id = static_cast<int>(slot);
    worker_alive_[slot] = true;
    links_[slot] = std::make_unique<WorkerLink>(
        id, w.endpoint, std::move(w.hello), w.host,
        [this](int n, const std::string& why) { on_lost(n, why); }, config_.worker_timeout,
        [this](int n, Message&& note) {  // (traces: clock probes, the worker's own events)
          if (auto* p = std::get_if<ClockProbe>(&note)) remote_events_->probed(n, *p, rt::event_now());
          if (auto* e = std::get_if<WorkerEvents>(&note)) remote_events_->worker_events(n, *e);
          if (auto* d = std::get_if<DataEvicted>(&note)) data_->evicted(n, *d);  // over its budget
        });
    workers_[slot] = std::make_unique<RemoteExecutor>(
        *links_[slot], [this](TaskBase* t, int n, unsigned cu, unsigned gpus) { dispatch(t, n, cu, gpus); },
        &remakes_, request_data_.get());
    nodes_.store(slot + 1, std::memory_order_release);
  }
  // (Outside the lock: it may make the directory, on a slow file system. A remake placed on
  // it before its answer reads a link beside the file; one lost before the question is
  // asked in vain.)
  links_[static_cast<std::size_t>(id)]->ask_whether_it_reaches_kept_links();
  if (probes_) ClockProbes::probe(*links_[static_cast<std::size_t>(id)]);  // its clock at connection
  RemoteExecutor& executor = *workers_[static_cast<std::size_t>(id)];
  const sched::NodeId sid = scheduler_->add_node(w.name, std::move(w.resources), executor,
                                                 executor.lookahead(config_.lookahead));
  bool lost_meanwhile = false;
  {
    std::lock_guard lock(sched_mutex_);
    worker_sched_[static_cast<std::size_t>(id)] = sid;
    lost_meanwhile = !worker_alive_[static_cast<std::size_t>(id)];
  }
  if (lost_meanwhile) {  // (on_lost could not: no id yet)
    fail_stranded(scheduler_->remove_node(sid));
    remakes_.node_lost();
  }
  log(LogLevel::info, "worker " + std::to_string(id) + " (" + w.name + ", " + summary +
                          ") connected from " + w.host);
  return id;
}

sched::NodeId Cluster::add_master_node(unsigned cores) {
  // (Before tasks run, or from the on_lost of the last worker: once. Two workers lost at
  // once, or a restarted one lost too, may both get here: the first claim adds it.)
  if (master_claimed_.exchange(true, std::memory_order_acq_rel)) return master_sched_.load();
  master_cores_.store(cores, std::memory_order_relaxed);
  sched::NodeId id = scheduler_->add_node("master", rt::master_resources(cores), *master_node_);
  scheduler_->run_replicas_last(id);  // (its replica runs in place: Replicas::master_last)
  master_sched_.store(id, std::memory_order_release);
  return id;
}

std::size_t Cluster::preferences(const TaskBase& t, std::span<sched::Preference> out) {
  // (Under the scheduler's lock: the data plane's lock comes after it.) The nodes holding
  // the most bytes of the task's inputs, as the scheduler's locality policy asks.
  std::vector<std::uint64_t> bytes(nodes_.load(std::memory_order_acquire), 0);
  data_->add_input_bytes(t, bytes);
  std::size_t k = 0;
  for (std::size_t n = 0; n < bytes.size() && k < out.size(); ++n) {
    if (bytes[n] == 0) continue;
    sched::NodeId id = n == 0 ? master_sched_.load(std::memory_order_acquire)
                              : worker_sched_[n].load(std::memory_order_acquire);
    if (id != sched::IdSet::npos) out[k++] = {id, bytes[n]};
  }
  return k;
}

Cluster::~Cluster() {
  shutdown();
  // The io thread runs timers whose jobs use lane_ and driver_ (after, on_timer), which
  // are destroyed before io_ (members go in reverse order; io_ must outlive the sockets
  // and timers made on its context): it stops here, before any member goes. The stream
  // service goes first: its listener closes on the io thread, and waits for it.
  stream_service_.reset();
  io_->stop();
}

void Cluster::log(LogLevel level, const std::string& text) const {
  if (static_cast<int>(config_.log_level) >= static_cast<int>(level)) {
    std::fprintf(stderr, "compss: %s\n", text.c_str());
  }
}

bool Cluster::can_travel(const TaskBase& t) {
  const detail::RemoteTask* remote = detail::find_remote_task(t.spec().signature);
  if (remote == nullptr || !remote->travels()) return false;
  // Any implementation may be chosen: each must be able to run on a worker. The request
  // carries the globals of the task itself only, so implementations reading globals stay
  // on the master (which runs the task itself).
  for (std::size_t i = 0; i < t.spec().version_count; ++i) {
    const detail::RemoteTask* v = detail::find_remote_task(t.spec().versions[i]->signature);
    if (v == nullptr || !v->travels() || v->global_count != 0 || remote->global_count != 0) return false;
  }
  for (std::uint32_t i = 0; i < t.param_count_; ++i) {
    if (!rt::travels(t.params_[i])) return false;
  }
  if (rt::task_state(t).exclusive != nullptr) return false;
  // Every datum must travel in the shape the task passes (a section's length and element
  // type, or a single object): else the task runs on the master, in the program's memory
  // (its inputs fetched there first, when they fit: before_run), and what it writes
  // becomes a new version there. A writer of another shape whose datum the master holds
  // re-shapes the datum instead (DataDirectory::claim).
  return data_->claim(t);
}

void Cluster::ready(TaskBase* t) {
  if (!can_travel(*t)) {
    stay_on_master(t);
    return;
  }
  place(t);
}

void Cluster::stay_on_master(TaskBase* t) {
  const detail::TaskSpec& spec = t->spec();
  const sched::NodeId master = master_sched_.load(std::memory_order_acquire);
  // Unconstrained: the fast path, as in a local run. Stream tasks hold no cores
  // (place_stream_task), replicated/distributed calls are started by their own path, and
  // gangs span nodes: these run outside the scheduler as before, and so does every task
  // when the master's node is not in the scheduler (--master-cores 0; docs/distributed.md).
  bool outside = master == sched::IdSet::npos || !rt::needs_placement(*t) ||
                 rt::task_state(t).stream_task || spec.replicated || spec.distributed;
  for (std::size_t v = 0; v <= spec.version_count && !outside; ++v) {
    const detail::TaskKind kind = v == 0 ? spec.kind : spec.versions[v - 1]->kind;
    outside = kind == detail::TaskKind::mpi || kind == detail::TaskKind::multinode;
  }
  if (outside) {
    rt::task_state(t).node = -1;  // runs on the master, outside the scheduler
    executor_.spawn(t);
    return;
  }
  // Its constraints count on the master's node like those of any task placed there: it
  // waits for room, and one the master's node can never satisfy fails now.
  try {
    scheduler_->submit(t, master_class_of(spec, master));
  } catch (const std::exception& e) {
    unplaceable(t, e.what());
  }
}

const sched::TaskClass* Cluster::master_class_of(const detail::TaskSpec& spec, sched::NodeId master) {
  std::lock_guard lock(classes_mutex_);
  auto it = master_classes_.find(&spec);
  if (it != master_classes_.end()) return it->second;
  sched::TaskType type = sched::task_type_of(spec);
  type.only = master;
  type.lookahead = false;  // (the master's node takes no calls ahead)
  return master_classes_.emplace(&spec, scheduler_->register_type(std::move(type))).first->second;
}

std::size_t Cluster::queued() { return scheduler_->waiting(); }

const sched::TaskClass* Cluster::class_of(const detail::TaskSpec& spec) {
  std::lock_guard lock(classes_mutex_);
  auto it = classes_.find(&spec);
  if (it != classes_.end()) return it->second;
  sched::TaskType type = sched::task_type_of(spec);
  // A call sent ahead waits on its worker; a time-out's clock (the task's or a version's)
  // starts at the send.
  type.lookahead = spec.time_out <= 0;
  for (std::size_t v = 0; v < spec.version_count; ++v) type.lookahead &= spec.versions[v]->time_out <= 0;
  const sched::TaskClass* c = scheduler_->register_type(std::move(type));
  classes_.emplace(&spec, c);
  producers_.try_emplace(spec.signature, Producer{&spec, c, 0});
  for (std::uint32_t v = 1; v < c->type.versions.size(); ++v) {
    producers_.try_emplace(spec.versions[v - 1]->signature, Producer{&spec, c, v});
  }
  return c;
}

const sched::TaskClass* Cluster::remake_class_of(const sched::TaskClass* producer) {
  std::lock_guard lock(classes_mutex_);
  auto it = remake_classes_.find(producer);
  if (it != remake_classes_.end()) return it->second;
  sched::TaskType type = producer->type;
  type.priority = true;  // it unblocks the tasks that wait for what it makes
  type.replicated = type.distributed = type.lookahead = false;  // one run, placed as it fits
  return remake_classes_.emplace(producer, scheduler_->register_type(std::move(type))).first->second;
}

namespace {
/// The master task whose thread is in before_run now (its inputs brought to the master,
/// made again when lost), placed on the master's node: it holds its master cores while it
/// waits, and lends them to the remakes it waits for (choose_remake_worker).
thread_local const TaskBase* lender = nullptr;
/// The remake running now on the cores `lender` lent (it holds no placement of its own).
thread_local const TaskRequest* lent_remake = nullptr;
/// The replicated call whose replica's request this thread builds (send_replica) and its
/// worker: the replica holds that worker's cores, idle until its request is sent, and
/// lends them to a remake the request waits for (its replicas may hold every worker's
/// cores: difftest bug 6).
thread_local const TaskBase* replica_lender = nullptr;
thread_local int replica_node = 0;
/// Thrown by choose_remake_worker when the replica whose build needs a remake is on a
/// worker that died (on_lost may not have run yet): its build ends as lost (one replica
/// fewer), never as a failure after remakes lent to a dead worker came back lost. Not a
/// compss::Error: the lineage's handlers let it through to send_replica.
struct ReplicaWorkerLost final : std::exception {
  const char* what() const noexcept override { return "the replica's worker was lost"; }
};

/// Whether a producer's recorded request can run in the master's process: not when it
/// reads globals (the worker's way loads them into the process's variables, here the
/// program's) or passes files (what it writes would land on the master's file, which holds
/// a later version).
bool remakes_on_master(const TaskRequest& request) {
  if (!request.globals.empty()) return false;
  for (const WireParam& w : request.params) {
    if (static_cast<detail::ParamKind>(w.kind) == detail::ParamKind::file) return false;
  }
  return true;
}
}  // namespace

std::optional<Cluster::Producer> Cluster::producer_of(const std::string& signature) {
  std::lock_guard lock(classes_mutex_);
  auto it = producers_.find(signature);
  if (it == producers_.end()) return std::nullopt;
  return it->second;
}

int Cluster::choose_remake_worker(TaskRequest& request) {
  const std::optional<Producer> found = producer_of(request.signature);
  if (!found) return choose_live_worker(-1);  // (placed outside the scheduler)
  const Producer producer = *found;
  // With no live worker left, no remake: the master's cores may all be held by tasks
  // waiting for this very data (placed there after the last loss), so waiting for them
  // could hang; the caller's clear error ("every worker is lost") is the answer then.
  // Unless a restarted worker is awaited: it is waited for (bounded), then placed as usual.
  if (choose_live_worker(-1) < 0) {
    remake_order_hook::at("remake awaits a rejoin");
    if (!await_rejoin()) return -1;
  }
  const sched::TaskClass* c = remake_class_of(producer.type);
  const bool master_may = remakes_on_master(request);
  const sched::NodeId master = master_sched_.load(std::memory_order_acquire);
  if (const int n = replica_lends(request, producer, c); n > 0) return n;
  if (master_may && lender != nullptr && lent_remake == nullptr &&
      lend_cores(request, producer, c, 0, lender)) {
    return 0;
  }
  std::optional<RemakePlacements::Placed> at;
  std::vector<sched::NodeId> gone;  // workers it was placed on that are lost (the scheduler may not know yet)
  // However this ends but by returning its node (an Error, or any other exception), the
  // request is closed and its placement given back: else the node's resources stayed
  // reserved for a remake nobody runs, and what waits for them waited forever.
  struct Abandoned {
    Cluster& cluster;
    const TaskRequest& request;
    bool kept = false;
    ~Abandoned() {
      if (!kept) cluster.remake_ended(request);
    }
  } abandoned{*this, request};
  for (;;) {
    // (Each pass: a worker it was placed on may have been lost since the last. A loss
    // after this check wakes the wait below, which checks again: a busy worker that fitted
    // it may be lost while it is queued, leaving only the master's node.)
    const std::uint64_t losses = remakes_.losses();
    if (master_may) lender_waits_if_only_master(c, master, gone);
    remakes_.open(&request);
    try {
      // (A producer the master cannot run avoids its node; placed there all the same when
      // no other node can run it, it fails below.)
      const sched::NodeId avoid = !gone.empty() ? gone.back() : master_may ? sched::IdSet::npos : master;
      // Until a node's free resources fit it, reserved. The lane grows meanwhile: calls
      // queued on it may hold the resources this waits for (BlockingLane::Parked). Taken
      // before the submit: between the submit and the wait's end nothing throws (a remake
      // closed while the scheduler still holds it would be placed as a task).
      BlockingLane::Parked parked;
      scheduler_->submit(&request, c, avoid);
      // Not placed at once (a producer larger than a replica building its request, and no
      // other node free): that replica's cores may be those it waits for.
      if (!remakes_.where(&request)) {
        remake_order_hook::at("remake waits");
        replica_waits();
      }
      std::function<void()> on_loss;
      if (master_may && lender != nullptr) on_loss = [&] { lender_waits_if_only_master(c, master, gone); };
      at = remakes_.wait(&request, losses, on_loss);
    } catch (const Error&) {
      if (master == sched::IdSet::npos && choose_live_worker(-1) < 0) return -1;  // (no node: said by the caller)
      throw;
    }
    if (!at) {  // every node that could run it left the run while it waited
      if (master == sched::IdSet::npos && choose_live_worker(-1) < 0) return -1;
      throw Error(scheduler_->never_fits(c));
    }
    bool alive = at->node == 0;
    if (!alive) {
      std::lock_guard lock(sched_mutex_);
      alive = worker_usable_locked(static_cast<std::size_t>(at->node));
    }
    if (alive) break;
    // Placed on a worker whose loss the scheduler has not been told yet (on_lost marks it
    // dead first): placed again elsewhere, or the message the scheduler will give.
    gone.push_back(worker_sched_[static_cast<std::size_t>(at->node)].load());
    remake_ended(request);
    if (std::string never = scheduler_->never_fits_without(c, gone); !never.empty()) throw Error(never);
    if (gone.size() > 64) throw Error("compss: task '" + producer.type->type.name + "': the workers that could run it were lost");
  }
  if (at->node == 0 && !master_may) {
    throw Error("compss: task '" + producer.type->type.name +
                "' reads globals or passes files, so it cannot run again in the master's process, "
                "and no live worker can run it");
  }
  if (at->version != producer.version) {
    request.signature =
        at->version == 0 ? producer.spec->signature : producer.spec->versions[at->version - 1]->signature;
  }
  request.computing_units = at->computing_units;  // what its placement reserved there
  request.gpus = at->gpus;
  // An MPI or multinode producer placed over several nodes: its program's hosts.
  const ClusterNode& node = at->node == 0 ? *master_node_ : *workers_[static_cast<std::size_t>(at->node)];
  request.hosts.clear();
  for (detail::TaskHost& h : hosts_of(node.allocation_of(&request))) {
    request.hosts.push_back({std::move(h.name), h.processes});
  }
  abandoned.kept = true;  // (the caller's remake_ended gives it back after the call)
  return at->node;
}

bool Cluster::worker_usable_locked(std::size_t n) const { return worker_alive_[n] && links_[n]->alive(); }

int Cluster::replica_lends(TaskRequest& request, const Producer& producer, const sched::TaskClass* c) {
  if (replica_lender == nullptr || lent_remake != nullptr) return -1;
  {
    std::lock_guard lock(sched_mutex_);
    if (!worker_usable_locked(static_cast<std::size_t>(replica_node))) throw ReplicaWorkerLost{};
  }
  return lend_cores(request, producer, c, replica_node, replica_lender) ? replica_node : -1;
}

int Cluster::lend_remake_worker(TaskRequest& request) {
  const std::optional<Producer> producer = producer_of(request.signature);
  if (!producer) return -1;  // (placed outside the scheduler: nothing to lend)
  return replica_lends(request, *producer, remake_class_of(producer->type));
}

bool Cluster::lend_cores(TaskRequest& request, const Producer& producer, const sched::TaskClass* c, int n,
                         const TaskBase* holder) {
  const sched::NodeId node = n == 0 ? master_sched_.load(std::memory_order_acquire)
                                    : worker_sched_[static_cast<std::size_t>(n)].load();
  const sched::Allocation held =
      (n == 0 ? *master_node_ : *workers_[static_cast<std::size_t>(n)]).allocation_of(holder);
  if (node == sched::IdSet::npos || !held.more.empty() || held.first.reserved.cpus() == 0) return false;
  std::vector<sched::NodeId> nodes;
  std::string why;
  for (std::uint32_t v = 0; v < c->type.versions.size(); ++v) {
    const detail::TaskSpec& spec = v == 0 ? *producer.spec : *producer.spec->versions[v - 1];
    if (spec.kind == detail::TaskKind::mpi || spec.kind == detail::TaskKind::multinode) continue;
    const sched::Capacity& demand = c->type.versions[v].constraints.demand;
    if (!held.first.reserved.covers(demand)) continue;
    // (Node n must satisfy the version's other constraints too.)
    if (scheduler_->fitting_version(c, v, sched::IdSet::npos, nodes, why) != v ||
        std::find(nodes.begin(), nodes.end(), node) == nodes.end()) {
      continue;
    }
    request.signature = spec.signature;
    request.computing_units = std::max<unsigned>(demand.cpus(), 1);
    request.gpus = demand.gpus();
    request.hosts.clear();
    lent_remake = &request;
    return true;
  }
  return false;
}

void Cluster::lender_waits_if_only_master(const sched::TaskClass* c, sched::NodeId master,
                                          std::span<const sched::NodeId> gone) {
  if (lender == nullptr || lent_remake != nullptr || master == sched::IdSet::npos) return;
  // The workers lost for the cluster count as gone although the scheduler may not know yet
  // (on_lost marks them dead first, remove_node follows): else a producer that only a lost
  // worker and the master's node fit was placed there, then on the master's node while its
  // reader kept the cores it needs (a hang, ClusterRemake.ATaskPlacedOnTheMaster... 2 in 1,500).
  std::vector<sched::NodeId> without(gone.begin(), gone.end());
  without.push_back(master);
  {
    std::lock_guard lock(sched_mutex_);
    const std::size_t filled = nodes_.load(std::memory_order_acquire);  // (slots below it are set)
    for (std::size_t n = 1; n < filled && n < worker_alive_.size(); ++n) {
      if (worker_usable_locked(n)) continue;
      const sched::NodeId id = worker_sched_[n].load();
      if (id != sched::IdSet::npos) without.push_back(id);
    }
  }
  // Only the master's node can run it: it may need the cores its reader holds.
  if (!scheduler_->never_fits_without(c, without).empty()) lender_waits();
}

void Cluster::lender_waits() noexcept {
  if (lender == nullptr || lent_remake != nullptr) return;
  try {
    if (release_placement(lender, 0)) {
      log(LogLevel::info, "task '" + std::string(lender->spec().name) + "' (id " + std::to_string(lender->id()) +
                              ") gives its master cores back while lost data it reads is made again; it "
                              "then runs without them");
    }
  } catch (...) {  // (out of memory for the log line: given back all the same)
  }
}

void Cluster::replica_waits() noexcept {
  if (replica_lender == nullptr || lent_remake != nullptr) return;
  try {
    if (workers_[static_cast<std::size_t>(replica_node)]->give_back(replica_lender)) {
      log(LogLevel::info, "a replica of task '" + std::string(replica_lender->spec().name) + "' (id " +
                              std::to_string(replica_lender->id()) + ") gives its cores on worker " +
                              std::to_string(replica_node) +
                              " back while lost data its request reads is made again; it then runs without them");
    }
  } catch (...) {  // (out of memory for the log line: given back all the same)
  }
}

void Cluster::remake_ended(const TaskRequest& request) noexcept {
  if (lent_remake == &request) {  // (ran on a waiting task's cores: nothing of its own to give back)
    lent_remake = nullptr;
    return;
  }
  if (std::optional<RemakePlacements::Placed> at = remakes_.where(&request)) {
    ClusterNode* node = at->node == 0 ? master_node_.get() : workers_[static_cast<std::size_t>(at->node)].get();
    node->release(&request);  // (the scheduler's call_ended asks remakes_: still open)
  }
  remakes_.close(&request);
}

CallResult Cluster::remake_on_master(TaskRequest& request) {
  // The master's node names its ids in the scheduler (as run_on_master does): those of its
  // own placement, or of the waiting task that lent its cores.
  sched::NodeShare share =
      master_node_->allocation_of(lent_remake == &request ? static_cast<const void*>(lender) : &request).first;
  rt::BoundIds ids{std::move(share.cpus), std::move(share.gpus)};
  rt::InTaskScope in_task;  // a task it calls runs inline, as in any task body
  Message answer = execute_request(std::move(request), nullptr, fetcher_.get(), true, &ids);
  CallResult r;
  if (auto* done = std::get_if<TaskDone>(&answer)) {
    r.status = CallResult::Status::done;
    r.done = std::move(*done);
  } else if (auto* failed = std::get_if<TaskFailed>(&answer)) {
    r.status = CallResult::Status::failed;
    r.failed = std::move(*failed);
  }
  return r;
}

void Cluster::place(TaskBase* t, int avoid) {
  if (rt::task_state(t).stream_task) {
    place_stream_task(t, avoid);
    return;
  }
  try {
    const sched::TaskClass* c = class_of(t->spec());
    sched::NodeId not_there = avoid > 0 ? worker_sched_[static_cast<std::size_t>(avoid)].load()
                              : avoid == 0 ? master_sched_.load(std::memory_order_acquire)
                                           : sched::IdSet::npos;
    scheduler_->submit(t, c, not_there);
  } catch (const std::exception& e) {
    unplaceable(t, e.what());
  }
}

void Cluster::unplaceable(TaskBase* t, const std::string& why) {
  std::string text = why.rfind("compss: ", 0) == 0 ? why.substr(8) : why;
  std::shared_ptr<Call> call = driver_->moving().take(t);
  if (call != nullptr) {  // an attempt begun on a node that is gone
    driver_->conclude(std::move(call), rt::Runtime::Outcome::failed_not_retried,
             {"compss::Error", text, "master"});
    return;
  }
  // Never started: the run fails (as at its call, when it could never run), and the
  // executor skips the task, the runtime having failed.
  runtime_.record_failure(*t, text.c_str());
  rt::task_state(t).node = -1;
  executor_.spawn(t);
}

void Cluster::dispatch(TaskBase* t, int n, unsigned computing_units, unsigned gpus) {
  running_.fetch_add(1, std::memory_order_relaxed);
  // The scheduler's decision (traces), told once the task's inputs are found (it may give
  // the node back before it starts, while they are made again): run_on_master, the driver.
  const rt::EventTime placed_at = runtime_.events().any() ? rt::event_now() : 0;
  if (t->spec().replicated) {
    if (placed_at != 0) attempt_runtime_->notify_placed(*t, n, computing_units, placed_at);  // (TaskPlaced)
    start_replica(t, n, computing_units, gpus);
    return;
  }
  if (driver_->resume(t, n, computing_units, gpus, placed_at)) return;  // a moving attempt
  if (n == 0) {
    run_on_master(t, computing_units, gpus, placed_at);  // the Runtime runs it (its attempts), then finished()
  } else {
    driver_->start(t, n, computing_units, gpus, placed_at);
  }
}

bool Cluster::release_placement(const TaskBase* t, int n) {
  if (rt::task_state(t).stream_task) {  // placed outside the scheduler (place_stream_task)
    std::lock_guard lock(sched_mutex_);
    if (n > 0 && static_cast<std::size_t>(n) < stream_tasks_.size() && stream_tasks_[static_cast<std::size_t>(n)] > 0) {
      --stream_tasks_[static_cast<std::size_t>(n)];
    }
    return false;
  }
  ClusterNode* node = n == 0 ? master_node_.get()
                      : n > 0 && static_cast<std::size_t>(n) < nodes_.load(std::memory_order_acquire)
                          ? workers_[static_cast<std::size_t>(n)].get()
                          : nullptr;
  // (Read before the release: the last replica's release ends a replicated call, which may
  // free `t`.)
  const detail::TaskKind kind = t->implementation_spec().kind;
  if (node == nullptr || !node->release(t)) return false;
  running_.fetch_sub(1, std::memory_order_relaxed);
  if (kind == detail::TaskKind::mpi || kind == detail::TaskKind::multinode) {
    std::lock_guard lock(sched_mutex_);
    gangs_started_.erase(t);  // (its shares are given back: no loss concerns it now)
  }
  return true;
}

void Cluster::finished(TaskBase* t) noexcept {
  try {
    // Ran on the master, in place: what it wrote is a new version only the master has.
    if (rt::task_state(t).node <= 0) data_->wrote_on_master(t);
    // A task that timed out still holds its node's resources until its body returns: a
    // worker's until it answers (conclude), the master's until run_on_master's job sees
    // execute_one return. A replicated call holds none by now (each replica gave its back).
    const int n = rt::task_state(t).node;
    bool held = n > 0 && rt::task_state(t).stop.load(std::memory_order_acquire);
    if (n == 0 && rt::task_state(t).stop.load(std::memory_order_acquire)) {  // (stop: the watchdog finishes it)
      std::lock_guard lock(sched_mutex_);
      if (auto it = master_bodies_.find(t); it != master_bodies_.end()) held = it->second = true;
    }
    if (n >= 0 && !held && !t->spec().replicated) release_placement(t, n);
    // (Its answer already heard, after the deadline: no restart to wait for.)
    if (held && n > 0 && !t->spec().replicated && rt::timed_out_running(t)) timed_out_on_worker(t, n);
  } catch (...) {
    runtime_.cancel("compss: out of memory in the scheduler");
  }
}

int Cluster::choose_live_worker(int avoid) {
  std::lock_guard lock(sched_mutex_);
  int best = -1;
  std::size_t best_load = 0;
  for (std::size_t n = 1; n < nodes_.load(std::memory_order_relaxed); ++n) {
    if (!worker_alive_[n] || static_cast<int>(n) == avoid) continue;
    std::size_t load = workers_[n]->holding();
    if (best < 0 || load < best_load) {
      best = static_cast<int>(n);
      best_load = load;
    }
  }
  return best;
}

void Cluster::place_stream_task(TaskBase* t, int avoid) {
  // Not through the scheduler: a stream task may wait for other stream tasks as long as
  // it runs, so it must never wait for a core, nor hold one (docs/streams.md, "Threads").
  int n = -1;
  {
    std::lock_guard lock(sched_mutex_);
    for (std::size_t w = 1; w < workers_.size(); ++w) {
      if (!worker_alive_[w] || static_cast<int>(w) == avoid) continue;
      if (n < 0 || stream_tasks_[w] < stream_tasks_[static_cast<std::size_t>(n)]) n = static_cast<int>(w);
    }
    if (n > 0) ++stream_tasks_[static_cast<std::size_t>(n)];
  }
  std::shared_ptr<Call> call = driver_->moving().take(t);
  if (call != nullptr) {  // a retry: to another worker, or to the master when none is left
    call->node = std::max(n, 0);
    call->computing_units = 1;
    call->gpus = 0;
    driver_->send(std::move(call), false);
  } else if (n > 0) {
    driver_->start(t, n, 1, 0);
  } else {
    rt::task_state(t).node = -1;  // no worker: on the master, on a thread of its own
    executor_.spawn(t);
  }
}

void Cluster::before_run(TaskBase* t) {
  if (rt::task_state(t).node > 0) return;  // (on the master: node 0, or -1 before placement)
  if (runtime_.failed()) return;  // it is skipped (cancelled_before_start): nothing to load

  // Placed on the master's node, it holds cores there while its inputs come (or are made
  // again): a remake it waits for may run on them (lend_cores).
  struct Lending {
    const TaskBase* before = lender;
    explicit Lending(const TaskBase* t) { lender = t; }
    ~Lending() { lender = before; }
  } lending(rt::task_state(t).node == 0 ? t : nullptr);
  data_->before_run(t);
}

std::vector<detail::TaskHost> Cluster::hosts_of(const TaskBase* t, int n) const {
  // (The implementation placed: an MPI or multinode version of a plain task is a gang too.)
  const detail::TaskKind kind = t->implementation_spec().kind;
  if (kind != detail::TaskKind::mpi && kind != detail::TaskKind::multinode) return {};  // (hot path)
  return hosts_of(allocation_on(t, n));
}

std::vector<detail::TaskHost> Cluster::hosts_of(const sched::Allocation& a) const {
  if (a.more.empty()) return {};
  // By the executor the scheduler placed it with: a worker just admitted (a restart) may
  // take a gang's share before its worker_sched_ entry is stored.
  auto host = [&](sched::NodeId id) -> std::string {
    const auto& at = static_cast<const ClusterNode&>(scheduler_->executor_of(id));
    if (at.node() > 0) return links_[static_cast<std::size_t>(at.node())]->host();
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0' ? name : "localhost";
  };
  std::vector<detail::TaskHost> hosts{{host(a.first.node), a.first.units}};
  for (const sched::NodeShare& s : a.more) hosts.push_back({host(s.node), s.units});
  return hosts;
}

sched::Allocation Cluster::allocation_on(const TaskBase* t, int n) const {
  const ClusterNode* node = n == 0 ? master_node_.get() : workers_[static_cast<std::size_t>(n)].get();
  return node->allocation_of(t);
}

bool Cluster::gang_may_start(const TaskBase* t, int n) {
  const detail::TaskKind kind = t->implementation_spec().kind;
  if (kind != detail::TaskKind::mpi && kind != detail::TaskKind::multinode) return true;  // (hot path)
  const sched::Allocation a = allocation_on(t, n);
  if (a.more.empty()) return true;
  std::vector<int> others;  // (the scheduler's lock is not taken under sched_mutex_)
  for (const sched::NodeShare& s : a.more)
    others.push_back(static_cast<const ClusterNode&>(scheduler_->executor_of(s.node)).node());
  std::lock_guard lock(sched_mutex_);
  // The check and the record are one step: a loss marks its node dead under this lock,
  // then scans gangs_started_ (stop_gangs_using), so it either is seen here or sees it.
  for (int m : others) {
    if (m > 0 && !worker_alive_[static_cast<std::size_t>(m)]) {
      log(LogLevel::info, "task '" + std::string(t->spec().name) + "' (id " + std::to_string(t->id()) +
                              ") was placed over worker " + std::to_string(m) +
                              ", lost meanwhile: it is placed again");
      return false;
    }
  }
  gangs_started_.insert(t);
  return true;
}

void Cluster::run_on_master(TaskBase* t, unsigned computing_units, unsigned gpus, rt::EventTime placed_at) {
  // (Once the run failed, nothing is made again: the executor skips the task.)
  if (data_->any_node_lost() && !rt::task_state(t).stream_task && !runtime_.failed()) {
    // An input lost with its worker: the task gives its node back while it is made again
    // on the lane, then is placed again (as a worker's call does: AttemptDriver), so it
    // never holds master cores a remake waits for. (A stream task holds none.)
    std::vector<std::pair<std::uint64_t, std::uint64_t>> lost = data_->lost_inputs(*t);
    if (!lost.empty() && release_placement(t, 0)) {
      lane_.post([this, t, lost = std::move(lost)] { remake_then_ready(t, lost); });
      return;
    }
  }
  if (!gang_may_start(t, 0)) {  // placed over a node lost meanwhile: placed again
    release_placement(t, 0);
    place(t);
    return;
  }
  // Its inputs found, it starts here: `placed` told now; not once the run failed (the
  // executor skips it, as the driver never sends a worker's call then).
  if (placed_at != 0 && !runtime_.failed()) attempt_runtime_->notify_placed(*t, 0, computing_units, placed_at);
  std::vector<detail::TaskHost> hosts = hosts_of(t, 0);
  if (!hosts.empty()) log_gang(t, 0);
  // (One core, no GPU, no time_out: the fast path, unbound, with no lookup of its
  // placement. A task that may time out takes the job below, which gives its placement
  // back only when its body returns.)
  if (computing_units <= 1 && hosts.empty() && gpus == 0 && rt::attempt_time_out(*t) <= 0) {
    executor_.spawn(t);
    return;
  }
  // The master's node names its ids in the scheduler (no look-ahead there).
  sched::NodeShare share = allocation_on(t, 0).first;
  executor_.run_job([this, t, computing_units, hosts = std::move(hosts), share = std::move(share)]() mutable {
    // compss::this_task::computing_units(), cpus(), gpus(); the thread pinned to the cores.
    rt::TaskBindingScope bound(computing_units, {std::move(share.cpus), std::move(share.gpus)});
    rt::TaskHostsScope nodes(std::move(hosts));   // compss::this_task::nodes(), MPI hosts
    TaskBase* next = nullptr;
    rt::add_ref(t);  // a time-out finishes it (the watchdog) while the body still runs here
    {
      std::lock_guard lock(sched_mutex_);
      master_bodies_.emplace(t, false);
    }
    {
      // Its programs are its own: a lost node of its gang stops them (kill_groups_of).
      exec::GroupOwnerScope owner(t);
      next = runtime_.execute_one(t);
    }
    bool timed_out = false;  // finished() kept its cores and GPUs, which this thread used until now
    {
      std::lock_guard lock(sched_mutex_);
      auto it = master_bodies_.find(t);
      timed_out = it->second;
      master_bodies_.erase(it);
    }
    if (timed_out) release_placement(t, 0);
    rt::release_ref(t);
    if (next != nullptr) runtime_.execute_chain(next);
  });
}

void Cluster::remake_then_ready(TaskBase* t, std::span<const std::pair<std::uint64_t, std::uint64_t>> lost) {
  if (runtime_.failed()) {  // failed while it waited for the lane: skipped, nothing made again
    rt::task_state(t).node = -1;  // (it holds no node)
    executor_.spawn(t);
    return;
  }
  try {
    data_->make_available(lost);  // (blocks: each remake waits for a node that fits it)
  } catch (const std::exception& e) {  // its inputs cannot be made again: the run fails
    unplaceable(t, e.what());
    return;
  }
  ready(t);  // (placed as at first: on the master's node alone when it cannot travel)
}

void Cluster::gang_paused(const TaskBase* t) {
  std::lock_guard lock(sched_mutex_);
  gangs_started_.erase(t);
}

std::vector<detail::TaskHost> Cluster::gang_hosts(const TaskBase* t, int n) {
  std::vector<detail::TaskHost> hosts = hosts_of(t, n);
  if (!hosts.empty()) log_gang(t, n);
  return hosts;
}

void Cluster::on_timer(std::chrono::milliseconds delay, std::function<void()> job) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_->context(), delay);
  timer->async_wait([timer, job = std::move(job)](const boost::system::error_code&) { job(); });
}

void Cluster::after(std::chrono::milliseconds delay, std::function<void()> job) {
  // A timer on the io thread, then the lane: no thread sleeps through the pause.
  auto timer = std::make_shared<boost::asio::steady_timer>(io_->context(), delay);
  timer->async_wait([this, timer, job = std::move(job)](const boost::system::error_code&) mutable {
    lane_.post(std::move(job));  // (dropped once the lane stopped: the run is over)
  });
}

struct Cluster::Replicas {
  Deadline deadline = rt::Runtime::no_deadline;
  /// The time-out `deadline` was armed for (seconds, 0: none): the longest of the versions
  /// its replicas started so far run (each node runs the version that fits it), so no
  /// replica is stopped before its own version's time_out.
  double time_out = 0;
  bool cancelled = false;  ///< skipped before its first replica started
  /// A worker replica's outputs were chosen as the call's (the first success's): recorded
  /// when the whole call ends ok (finish_replicated), else released there. Recorded at its
  /// answer, a failed call's retry would read them (the body applied twice).
  bool chosen = false;
  int node = -1;  ///< where those outputs were made
  std::shared_ptr<const TaskRecord> chosen_record;  ///< the chosen replica's request
  TaskDone chosen_done;                             ///< and its answer
  bool ran_on_master = false;  ///< the master's replica ran (its copies are the outputs)
  /// The master's node has a replica, run after the others (Scheduler::run_replicas_last):
  /// its run in place makes the outputs, the workers' are not recorded (the master's
  /// replica must read the call's inputs, not a worker's outputs).
  bool master_last = false;
  rt::Runtime::Outcome outcome = rt::Runtime::Outcome::ok;
  rt::TaskError error;
  /// Worker replicas that succeeded without being recorded: their outputs are released
  /// there when the call ends (DataPlane::discard_outputs), else they would stay there,
  /// unknown to the master, for the whole run.
  struct Unrecorded {
    int node = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> outputs;  ///< (data id, version)
  };
  std::vector<Unrecorded> unrecorded;
};

std::shared_ptr<Cluster::Replicas> Cluster::replicated_call(TaskBase* t, bool master_last,
                                                            double time_out) {
  auto [it, first] = replicas_.try_emplace(t);
  Replicas& r = *(first ? it->second = std::make_shared<Replicas>() : it->second);
  if (first) {
    // The call's one attempt begins with its first replica and ends with its last.
    r.master_last = master_last;
    rt::add_ref(t);
    if (runtime_.cancelled_before_start(t)) {
      r.cancelled = true;
    } else {
      r.deadline = runtime_.begin_attempt(t, time_out);
      r.time_out = time_out;
    }
  } else if (r.deadline != rt::Runtime::no_deadline && (time_out <= 0 || time_out > r.time_out) &&
             runtime_.withdraw_attempt(t, r.deadline)) {
    // This replica's version allows longer (or has no time-out): it counts from now.
    r.deadline = runtime_.begin_attempt(t, time_out);
    r.time_out = time_out;
  }
  return it->second;
}

void Cluster::start_replica(TaskBase* t, int n, unsigned computing_units, unsigned gpus) {
  // (Asked before sched_mutex_: the scheduler's lock comes first.)
  const bool master_last = scheduler_->replica_runs_last(class_of(t->spec()));
  // The version placed on node n (each node runs the one that fits it) gives its time-out.
  const std::uint32_t version =
      n == 0 ? master_node_->version_of(t) : workers_[static_cast<std::size_t>(n)]->version_of(t);
  std::shared_ptr<Replicas> r;
  bool failed_before = false;
  {
    std::lock_guard lock(sched_mutex_);
    r = replicated_call(t, master_last, rt::time_out_of(*t, version));
    failed_before = r->outcome != rt::Runtime::Outcome::ok;
  }
  // The master's replica comes after every other has ended (Scheduler::run_replicas_last):
  // its body, run in place, moves the by-value arguments and writes the program's objects,
  // from which the workers' requests are built. After a failed replica it is not run: the
  // call has failed, and its retry still needs those arguments.
  const bool master_skipped = n == 0 && failed_before;
  if (r->cancelled || rt::task_state(t).stop.load(std::memory_order_acquire) || master_skipped) {
    replica_ended(t, n, rt::Runtime::Outcome::ok, {});
    return;
  }
  if (n == 0) {
    executor_.run_job([this, t, computing_units, share = allocation_on(t, 0).first] {
      rt::TaskBindingScope bound(computing_units, {share.cpus, share.gpus});
      // The version that fits the master's node, for the body's call below (the workers'
      // replicas have all ended: none reads the field meanwhile; the watchdog never does,
      // it is given the time-out it armed).
      t->implementation = master_node_->version_of(t);
      rt::TaskError err;
      rt::Runtime::Outcome outcome = rt::Runtime::Outcome::ok;
      try {
        data_->before_run(t);
        outcome = runtime_.run_body_once(t, err);
      } catch (const std::exception& e) {
        outcome = rt::Runtime::Outcome::failed;
        err = {"compss::Error", e.what(), "master"};
      }
      t->implementation = 0;  // (a retry's attempt counts the task's own time_out)
      if (outcome == rt::Runtime::Outcome::ok) {
        std::lock_guard lock(sched_mutex_);
        if (auto it = replicas_.find(t); it != replicas_.end()) it->second->ran_on_master = true;
      }
      replica_ended(t, 0, outcome, err);
    });
    return;
  }
  send_replica(t, n, computing_units, gpus, false);
}

void Cluster::send_replica(TaskBase* t, int n, unsigned computing_units, unsigned gpus, bool may_block,
                           int missing_tries) {
  if (rt::task_state(t).stop.load(std::memory_order_acquire)) {
    // Timed out while it waited (on the lane, or for a DataMissing resend): not sent.
    replica_ended(t, n, rt::Runtime::Outcome::ok, {});
    return;
  }
  RemoteExecutor& worker = *workers_[static_cast<std::size_t>(n)];
  BuiltRequest built;
  try {
    struct Lending {  // (choose_remake_worker: a remake this build waits for runs on its cores)
      const TaskBase* before_lender = replica_lender;
      int before_node = replica_node;
      explicit Lending(const TaskBase* t, int n) { replica_lender = t, replica_node = n; }
      ~Lending() { replica_lender = before_lender, replica_node = before_node; }
    } lending(t, n);
    if (may_block && remake_order_hook::hook) {  // (a test's: parked only then)
      BlockingLane::Parked parked;
      remake_order_hook::at("replica builds");
    }
    built = worker.build_request(t, may_block, /*check_lost=*/false);
    if (built.request == nullptr) {
      lane_.post([this, t, n, computing_units, gpus, missing_tries] {  // (not on a receiver thread)
        send_replica(t, n, computing_units, gpus, true, missing_tries);
      });
      return;
    }
  } catch (const ReplicaWorkerLost&) {  // (as a lost answer: one replica fewer)
    replica_ended(t, n, rt::Runtime::Outcome::ok, {});
    return;
  } catch (const std::exception& e) {
    replica_ended(t, n, rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
    return;
  }
  // A build that waited for a remake may have given the replica's placement back
  // (replica_waits): it takes its worker's resources again before it runs there (the
  // worker does not queue by cores). Its worker lost meanwhile: one replica fewer.
  bool placed_again = true;
  {
    BlockingLane::Parked parked;  // (what holds those resources may be queued on the lane)
    placed_again = worker.take_back(t, [this, n] {
      std::lock_guard lock(sched_mutex_);
      return worker_usable_locked(static_cast<std::size_t>(n));
    });
  }
  if (!placed_again || rt::task_state(t).stop.load(std::memory_order_acquire)) {  // (or timed out meanwhile)
    replica_ended(t, n, rt::Runtime::Outcome::ok, {});
    return;
  }
  // No deadline sent (time_left_ms 0): a later replica whose version allows longer moves
  // the call's deadline (replicated_call), which a replica sent before would not hear of;
  // stopped at the earlier one, its body could answer a partial result in time.
  RemoteRun run{computing_units, gpus, {}, {}, 0};
  // Each node runs the version that fits it (its placement's; the task's field stays 0).
  if (const std::uint32_t v = worker.version_of(t); v != 0) {
    run.signature = t->spec().versions[v - 1]->signature;
  }
  const TaskRequest& request = std::get<TaskRequest>(*built.request);
  driver_->unanswered_files().sent(&request, request);  // (a run's end that does not wait removes them)
  worker.send_task(*t, std::move(built.request), std::move(run),
                   [this, t, n, computing_units, gpus, missing_tries](const SentRequest& sent, CallResult&& res) {
    // Its files at their private paths (net/attempt_files.hpp) wait for the call's
    // end when it is chosen (finish_replicated); any other replica's are removed.
    driver_->unanswered_files().answered(record_of(sent).get());
    attempt_files::RemovedUnlessKept files(record_of(sent).get());
    switch (res.status) {
      case CallResult::Status::done: {
        bool choose = false;
        {
          std::lock_guard lock(sched_mutex_);
          auto it = replicas_.find(t);
          choose = it != replicas_.end() && !it->second->chosen && !it->second->master_last &&
                   it->second->outcome == rt::Runtime::Outcome::ok &&
                   !rt::task_state(t).stop.load();
          if (choose) it->second->chosen = true;
        }
        try {
          if (choose) {
            // Its outputs first (moved: nothing to throw), so that the call's end releases
            // them on `n` should what follows throw (else they stayed there, unnamed).
            {
              std::lock_guard lock(sched_mutex_);
              if (auto it = replicas_.find(t); it != replicas_.end()) {
                it->second->node = n;
                it->second->chosen_record = record_of(sent);
                it->second->chosen_done = std::move(res.done);
                files.keep();  // (finish_replicated moves them into place or removes them)
              }
            }
            // Its kept inputs now (in order with its DataEvicted notices, as for the
            // others); its outputs when the call ends ok (finish_replicated: no notice
            // can drop them meanwhile, a worker never evicts what it made, WorkerStore).
            data_->keep_replica_inputs(n, *record_of(sent));
          } else {
            keep_unrecorded(t, n, record_of(sent), res.done);
          }
        } catch (const std::exception& e) {
          replica_ended(t, n, rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
          return;
        }
        replica_ended(t, n, rt::Runtime::Outcome::ok, {});
        return;
      }
      case CallResult::Status::failed:
        if (driver_->policy().resend_replica(res.failed.exception_type, missing_tries) &&
            !rt::task_state(t).stop.load(std::memory_order_acquire)) {
          // An input copy it was to read went meanwhile (dropped over its worker's budget,
          // or a peer left): as for an ordinary call, the replica keeps its placement and
          // is sent again after a pause, with the inputs' holders as they are then.
          data_->globals_missing(*t, n);
          after(AttemptPolicy::missing_pause(missing_tries), [this, t, n, computing_units, gpus, missing_tries] {
            send_replica(t, n, computing_units, gpus, true, missing_tries + 1);
          });
          return;
        }
        // An on_failure(ignore) replica's writes: a replicated call keeps none of a failed
        // replica's (docs/failures.md), so what the worker stored is released.
        driver_->discard_failed_writes(n, sent, res);
        replica_ended(t, n, rt::Runtime::Outcome::failed,
                      {res.failed.exception_type, res.failed.message,
                       links_[static_cast<std::size_t>(n)]->name()});
        return;
      case CallResult::Status::lost:  // that node left the run: one replica fewer
        replica_ended(t, n, rt::Runtime::Outcome::ok, {});
        return;
    }
  });
}

void Cluster::replica_ended(TaskBase* t, int n, rt::Runtime::Outcome outcome, const rt::TaskError& err) {
  if (outcome != rt::Runtime::Outcome::ok) {
    std::lock_guard lock(sched_mutex_);
    auto it = replicas_.find(t);
    if (it != replicas_.end() && it->second->outcome == rt::Runtime::Outcome::ok) {
      it->second->outcome = outcome;  // the first failure is the call's
      it->second->error = err;
    }
  }
  release_placement(t, n);  // the last one ends the call (finish_replicated)
}

void Cluster::keep_unrecorded(TaskBase* t, int n, std::shared_ptr<const TaskRequest> record,
                              const TaskDone& done) {
  // Its outputs are released when the call ends (finish_replicated): listed first, so
  // that they are even when keeping its inputs throws.
  Replicas::Unrecorded u{n, {}};
  for (const WireParam& o : done.outputs) {
    if (o.data_id != 0) u.outputs.emplace_back(o.data_id, o.version);
  }
  {
    std::lock_guard lock(sched_mutex_);
    if (auto it = replicas_.find(t); it != replicas_.end()) it->second->unrecorded.push_back(std::move(u));
  }
  // Its kept inputs now, in order with the DataEvicted notices the worker sends after
  // this answer (a later record would name it holder of a copy it dropped).
  data_->keep_replica_inputs(n, *record);
}

void Cluster::finish_replicated(void* task) {
  auto* t = static_cast<TaskBase*>(task);
  if (!t->spec().replicated) return;  // an ordinary call (alive here): it ends in finished()
  std::shared_ptr<Replicas> r;
  {
    std::lock_guard lock(sched_mutex_);
    // (Made here when no replica started: every node it was pinned to left the run first,
    // and the scheduler counted them done. Its attempt begins now and fails below,
    // compss::WorkerLost, so its policy decides, as when its replicas' nodes are lost
    // while they run: with retry it runs again on the nodes left.)
    r = replicated_call(t, false, 0);  // (no time-out: it ends below at once)
    replicas_.erase(t);
  }
  if (r->cancelled) {
    runtime_.finish(t);
    rt::release_ref(t);
    return;
  }
  // The chosen replica's outputs are the call's only when every replica ended ok: a
  // failed call is retried from its inputs (docs/distributed.md, replicated).
  bool recorded = false;
  if (r->chosen && r->outcome == rt::Runtime::Outcome::ok) {
    // The watchdog sets `stop` without sched_mutex_: the deadline is disarmed first, so
    // that a time-out cannot end the call between the check of `stop` and the record
    // (outputs recorded for a call finished as timed out). Expired: the call ends timed
    // out (as the watchdog ends it), nothing recorded; end_attempt below finds it ended.
    if (runtime_.disarm_attempt(t, r->deadline, r->time_out) &&
        !rt::task_state(t).stop.load(std::memory_order_acquire)) {
      auto failure = output_load_error(
          [&] { data_->record_replica_outputs(t, r->node, r->chosen_record, r->chosen_done); });
      recorded = !failure;
      if (failure) {
        r->outcome = failure->outcome;
        r->error = std::move(failure->error);
      }
    }
  }
  if (r->chosen && !recorded && r->chosen_record != nullptr) {
    attempt_files::remove_private_files(*r->chosen_record);
  }
  if (r->chosen && !recorded) {  // released there as the others' (nothing recorded)
    Replicas::Unrecorded u{r->node, {}};
    for (const WireParam& o : r->chosen_done.outputs) {
      if (o.data_id != 0) u.outputs.emplace_back(o.data_id, o.version);
    }
    r->unrecorded.push_back(std::move(u));
  }
  // Now that the chosen replica's outputs are recorded (their older versions released),
  // and before successors (or the retry) may be sent to those workers.
  for (const Replicas::Unrecorded& u : r->unrecorded) data_->discard_outputs(u.node, u.outputs);
  if (r->outcome == rt::Runtime::Outcome::ok && !r->chosen && !r->ran_on_master &&
      !rt::task_state(t).stop.load(std::memory_order_acquire)) {
    // Every replica's node was lost before it answered: the call ran nowhere, and the
    // master's copies are not its outputs (never a silent success).
    r->outcome = rt::Runtime::Outcome::failed;
    r->error = {"compss::WorkerLost", "every node it was replicated to was lost before it ran there",
                "master"};
  }
  // Outputs recorded from a worker are held there; else the master's copies are the ones.
  rt::task_state(t).node = recorded ? r->node : 0;
  switch (runtime_.end_attempt(t, r->deadline, r->outcome, r->error)) {
    case rt::Runtime::AfterAttempt::finish:
      runtime_.finish(t);
      break;
    case rt::Runtime::AfterAttempt::again:
      rt::release_ref(t);  // the next first replica takes it again
      place(t);
      return;
    case rt::Runtime::AfterAttempt::abandoned:
      break;
  }
  rt::release_ref(t);
}

void Cluster::on_lost(int n, const std::string& why) {
  bool no_worker_left = true;
  sched::NodeId sid = sched::IdSet::npos;
  std::string name;
  {
    std::lock_guard lock(sched_mutex_);
    if (!worker_alive_[static_cast<std::size_t>(n)]) return;
    worker_alive_[static_cast<std::size_t>(n)] = false;
    if (stopping_) return;
    data_->node_lost(n);  // (data lock after sched lock) outputs arriving now are not its
    name = links_[static_cast<std::size_t>(n)]->name();
    std::fprintf(stderr, "compss: worker %d (%s) lost: %s; its tasks run again elsewhere\n", n,
                 name.c_str(), why.c_str());
    for (std::size_t i = 1; i < worker_alive_.size(); ++i) no_worker_left &= !worker_alive_[i];
    sid = worker_sched_[static_cast<std::size_t>(n)];
  }
  if (runtime_.events().any()) {  // (the monitor lists lost workers)
    runtime_.events().notify(&rt::TaskObserver::on_node_lost, rt::NodeLost{n, name, why, rt::event_now()});
  }
  // (Its tasks in flight come back as `lost` answers and are placed again one by one.)
  if (no_worker_left && master_sched_.load() == sched::IdSet::npos) add_master_node(runtime_.threads());
  if (sid == sched::IdSet::npos) return;  // lost while admitted: admission removes it
  // Out of the scheduler first: a gang placed from now on has no share there; one placed
  // before is found by the scan, or refused as it starts (gang_may_start).
  fail_stranded(scheduler_->remove_node(sid));
  remakes_.node_lost();  // (a remake queued for it may now wait for its reader's cores)
  stop_gangs_using(n, sid);
}

void Cluster::fail_stranded(const std::vector<void*>& stranded) {
  // Waiting calls that no live node can run any more (remove_node): they fail now.
  for (void* task : stranded) {
    if (remakes_.stranded(task)) continue;  // its waiting thread says why
    auto* t = static_cast<TaskBase*>(task);
    unplaceable(t, scheduler_->never_fits(class_of(t->spec())));
  }
}

void Cluster::submitted(TaskBase* t, std::uint64_t untouched) {
  const detail::TaskSpec& spec = t->spec();
  if (spec.constraint_count != 0 || spec.version_count != 0 || spec.replicated || spec.distributed) {
    // A task no node of the run can ever run fails at its call, as in a local run.
    std::string why;
    try {
      why = scheduler_->never_fits(class_of(spec));
    } catch (const std::exception& e) {  // malformed constraints
      why = e.what();
    }
    if (!why.empty()) runtime_.record_failure(*t, why.substr(why.rfind("compss: ", 0) == 0 ? 8 : 0).c_str());
  }
  data_->submitted(t, untouched);
}

void Cluster::sync(std::uintptr_t address, bool user_may_write) { data_->sync(address, user_may_write); }

void Cluster::sync_range(std::uintptr_t begin, std::uintptr_t end) { data_->sync_range(begin, end); }

void Cluster::sync_all() { data_->sync_all(); }

void Cluster::sync_file(const std::string& path) { data_->sync_file(path); }

void Cluster::forget(std::uintptr_t address) noexcept { data_->forget(address); }

std::vector<rt::Backend::NodeSlotsView> Cluster::node_slots() {
  std::vector<NodeSlotsView> out;
  std::vector<sched::NodeId> sids;  // each one's scheduler id (npos: not added yet)
  const sched::NodeId master = master_sched_.load(std::memory_order_acquire);
  if (master != sched::IdSet::npos) {
    out.push_back({0, "master", master_cores_.load(std::memory_order_relaxed),
                   static_cast<unsigned>(master_node_->holding()), true});
    sids.push_back(master);
  }
  {
    std::lock_guard lock(sched_mutex_);  // (worker_alive_)
    for (std::size_t n = 1; n < nodes_.load(std::memory_order_acquire); ++n) {
      out.push_back({static_cast<int>(n), links_[n]->name(), links_[n]->hello().cores,
                     static_cast<unsigned>(workers_[n]->holding()), static_cast<bool>(worker_alive_[n])});
      sids.push_back(worker_sched_[n].load(std::memory_order_acquire));
    }
  }
  // The resources from the scheduler's node model (its lock comes before sched_mutex_:
  // asked after it is released).
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (sids[i] == sched::IdSet::npos) continue;
    rt::set_node_resources(out[i], scheduler_->total(sids[i]), scheduler_->free(sids[i]));
  }
  return out;
}

std::string Cluster::node_name(int node) const {
  const auto n = static_cast<std::size_t>(node);
  if (node == 0) return "master";
  if (node > 0 && n < nodes_.load(std::memory_order_acquire) && links_[n]) return links_[n]->name();
  return "worker " + std::to_string(node);
}

void Cluster::tell_run_ended() noexcept {
  {
    std::lock_guard lock(sched_mutex_);
    run_ended_ = true;  // no restarted worker joins from now on
  }
  joined_.notify_all();  // (a remake awaiting one: not any more)
  for (std::size_t n = 1; n < nodes_.load(std::memory_order_acquire); ++n) {
    if (links_[n]) links_[n]->begin_shutdown();  // (sent before this returns: send() writes it)
  }
  // The master exits without the answers of the timed-out bodies still running: the
  // private files their requests named go now (a body that still writes one after this
  // is stopped as its worker ends, which removes the files of the bodies it ran).
  driver_->unanswered_files().remove_all();
  kept_files::remove_all();  // (std::_Exit follows: no destructor or atexit removes them)
}

void Cluster::shutdown() noexcept {
  {
    std::lock_guard lock(sched_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  joined_.notify_all();  // (before the lane's threads are joined: one may await a rejoin)
  lane_.stop();
  if (probes_) {  // the clocks once more, at the end (answered before the Shutdown)
    probes_->stop();
    probes_->probe_all();
  }
  // (No worker joins once stopping_ is set: the count is final.)
  const std::size_t nodes = nodes_.load(std::memory_order_acquire);
  for (std::size_t n = 1; n < nodes; ++n) {
    if (links_[n]) links_[n]->begin_shutdown();  // all at once, then wait for each
  }
  for (std::size_t n = 1; n < nodes; ++n) {
    if (links_[n]) links_[n]->shutdown();
  }
  listener_.reset();
}

}  // namespace compss::net
