#include "net/cluster.hpp"

#include "core/access.hpp"
#include "core/runtime.hpp"
#include "local/constrained.hpp"
#include "net/file_staging.hpp"
#include "net/global_values.hpp"
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/master/admission.hpp"
#include "net/peer_fetch.hpp"
#include "net/remote_events.hpp"
#include "net/start_wait.hpp"
#include "net/tcp_connection.hpp"

#include <boost/asio/steady_timer.hpp>

#include <compss/detail/remote_invoke.hpp>
#include <compss/error.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace compss::net {

using detail::Direction;
using detail::ParamDescriptor;
using detail::ParamKind;
using detail::TaskBase;
using rt::for_each_datum;
using rt::reads;
using rt::writes;

namespace {

constexpr std::uint64_t bit(int node) { return std::uint64_t{1} << node; }

/// An object parameter whose versions the cluster tracks (keyed by address).
bool tracked(const ParamDescriptor& d) {
  return d.kind == ParamKind::object && d.key.tag == detail::DataKey::Tag::address &&
         !(d.copy_in && !d.deferred) && d.vtable != nullptr && d.vtable->load != nullptr;
}

/// The bytes of `object` through `vtable`.
std::vector<std::byte> save(const detail::ParamVTable& vtable, const void* object) {
  OutputArchive out;
  vtable.save(object, out);
  return out.take();
}
std::vector<std::byte> save(const ParamDescriptor& d) { return save(*d.vtable, d.object); }

std::size_t declared_params(const TaskBase& t) { return t.spec().param_count; }

bool is_file(const WireParam& w) { return w.kind == static_cast<std::uint8_t>(ParamKind::file); }

/// A parameter of a request whose value the worker takes from a holder (its store or
/// `source`), not from the request: such inputs must be available before it is sent.
bool from_holder(const WireParam& w) {
  if (w.data_id == 0 || !reads(static_cast<Direction>(w.direction))) return false;
  if (!w.has_value) return true;
  return is_file(w) && staged_file_head(w.value).from_store;
}

/// An input of a request the worker keeps in its store once it ran the task (so it holds
/// that version): a value sent inline or taken from a holder (its own store, or fetched
/// from a peer), or a file it was sent or took from a holder.
bool kept_by_worker(const WireParam& w) {
  if (w.data_id == 0) return false;
  if (!w.has_value) return from_holder(w);
  if (!is_file(w)) return true;
  if (!reads(static_cast<Direction>(w.direction))) return false;  // an out file: nothing read
  StagedFileHead head = staged_file_head(w.value);
  return head.has_content || head.from_store;  // (a file missing on the master: nothing)
}

}  // namespace

struct Cluster::Call {
  TaskBase* task = nullptr;
  int node = 0;  ///< where this attempt runs (t->node follows it)
  unsigned computing_units = 1;  ///< the cores reserved for it there
  int avoid = -1;  ///< a node it failed on: its retry goes elsewhere when it can
  Deadline deadline = rt::Runtime::no_deadline;
  rt::EventTime sent_at = 0;  // task events: when this attempt was sent (0: not observed)
  bool started_told = false;  // task events: its started was told at the send (time_out)
  int missing_tries = 0;  // answers "an input went missing" so far
  /// The workers that died while they were running it (CallResult::was_running), as
  /// "worker N (name): why".
  std::vector<std::string> killed_workers;
};

TrackedDatum& Cluster::track(const ParamDescriptor& d, Drops& retyped) {
  auto [id, holders] = directory_.forget_other_type(d);
  if (holders != 0) retyped.push_back({id, {DataRelease::all_versions, holders}});
  return directory_.track(d);
}

TrackedDatum* Cluster::find_tracked(const ParamDescriptor& d) {
  if (d.kind == ParamKind::file) return directory_.find_file(std::string(d.key.path));
  return tracked(d) ? directory_.find(d.key.address) : nullptr;
}

std::vector<std::byte> Cluster::master_bytes(const TrackedDatum& x) {
  if (!x.path.empty()) return to_bytes(staged_from_master(x.path, true));
  if (x.vtable == nullptr) {
    throw Error("compss: data " + std::to_string(x.id) + " has no value on the master to send");
  }
  return save(*x.vtable, x.object);
}

Cluster::Cluster(rt::Runtime& runtime, rt::LocalExecutor& executor, ClusterConfig config)
    : runtime_(runtime), executor_(executor), config_(std::move(config)) {
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
  remote_events_ = std::make_unique<RemoteEvents>(runtime_, links_);
  sched::Scheduler::Options so;
  so.policy = config_.policy == SchedulerPolicy::lifo       ? sched::Policy::lifo
              : config_.policy == SchedulerPolicy::locality ? sched::Policy::locality
                                                            : sched::Policy::fifo;
  so.call_ended = [this](void* t) { finish_replicated(t); };
  so.preferences = [this](void* t, std::span<sched::Preference> out) {
    return preferences(*static_cast<TaskBase*>(t), out);
  };
  scheduler_ = std::make_unique<sched::Scheduler>(std::move(so));
  log(LogLevel::info, "master listening on port " + std::to_string(listener_->port()) +
                          ", waiting for " + std::to_string(config_.workers_expected) +
                          " worker(s)");
  links_.emplace_back();
  workers_.emplace_back();
  master_node_ = std::make_unique<ClusterNode>(0, [this](TaskBase* t, int n, unsigned cu) { dispatch(t, n, cu); });
  worker_sched_.push_back(sched::IdSet::npos);
  worker_alive_.push_back(false);
  if (config_.master_cores > 0) add_master_node(config_.master_cores);
  StartWait wait(config_.workers_expected, config_.connect_timeout, config_.worker_exits_fd,
                 config_.require_workers);
  AdmissionSource source{[this](std::chrono::milliseconds t) { return listener_->accept(t); },
                         [](const Endpoint& ep) { return peer_host(ep); }};
  unsigned connected = admit_workers(wait, source, [this](AdmittedWorker&& w) {
    const int id = static_cast<int>(links_.size());
    const unsigned cores = w.resources.units(sched::ProcessorType::cpu);
    const std::string summary = std::to_string(cores) + " cores, " +
                                std::to_string(w.hello.memory_mb) + " MB, " +
                                std::to_string(w.hello.gpus) + " GPUs";
    links_.push_back(std::make_unique<WorkerLink>(
        id, w.endpoint, std::move(w.hello), w.host,
        [this](int n, const std::string& why) { on_lost(n, why); }, config_.worker_timeout));
    workers_.push_back(std::make_unique<RemoteExecutor>(
        *links_.back(), [this](TaskBase* t, int n, unsigned cu) { dispatch(t, n, cu); }));
    worker_sched_.push_back(scheduler_->add_node(w.name, std::move(w.resources), *workers_.back()));
    {
      std::lock_guard lock(sched_mutex_);
      worker_alive_.push_back(true);
    }
    live_.fetch_or(bit(id));
    log(LogLevel::info, "worker " + std::to_string(id) + " (" + w.name + ", " + summary +
                            ") connected from " + w.host);
  });
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
  // data were given to others), is refused.
  listener_->refuse_from_now([](const Hello& h, const std::string& peer) {
    std::fprintf(stderr,
                 "compss: refused worker %s (pid %u) from %s: workers join only at the start "
                 "of a run, and a worker declared lost cannot come back\n",
                 h.node_name.c_str(), static_cast<unsigned>(h.pid), peer.c_str());
  });
  if (connected == 0 && master_sched_.load() == sched::IdSet::npos) add_master_node(runtime_.threads());
}

sched::NodeId Cluster::add_master_node(unsigned cores) {
  // (Before tasks run, or from the on_lost of the last worker: once.)
  sched::NodeId id = scheduler_->add_node("master", rt::master_resources(cores), *master_node_);
  master_sched_.store(id, std::memory_order_release);
  return id;
}

std::size_t Cluster::preferences(const TaskBase& t, std::span<sched::Preference> out) {
  // (Under the scheduler's lock: data_mutex_ comes after it.) The nodes holding the most
  // bytes of the task's inputs, as the scheduler's locality policy asks.
  std::vector<std::uint64_t> bytes(links_.size(), 0);
  {
    std::lock_guard data(data_mutex_);
    for (std::size_t i = 0; i < declared_params(t); ++i) {
      const ParamDescriptor& d = t.params_[i];
      if (!reads(d.direction) || !tracked(d)) continue;
      TrackedDatum* x = directory_.find(d.key.address);
      if (x == nullptr) continue;
      const VersionInfo* info = directory_.find_version(x->id, x->version);
      std::uint64_t size = info != nullptr ? info->size : 0;
      if (x->master_has_latest()) bytes[0] += size;
      if (info == nullptr) continue;
      for (std::size_t n = 1; n < bytes.size(); ++n) {
        if (info->holders & bit(static_cast<int>(n))) bytes[n] += size;
      }
    }
  }
  std::size_t k = 0;
  for (std::size_t n = 0; n < bytes.size() && k < out.size(); ++n) {
    if (bytes[n] == 0) continue;
    sched::NodeId id = n == 0 ? master_sched_.load(std::memory_order_acquire) : worker_sched_[n];
    if (id != sched::IdSet::npos) out[k++] = {id, bytes[n]};
  }
  return k;
}

Cluster::~Cluster() { shutdown(); }

void Cluster::log(LogLevel level, const std::string& text) const {
  if (static_cast<int>(config_.log_level) >= static_cast<int>(level)) {
    std::fprintf(stderr, "compss: %s\n", text.c_str());
  }
}

bool Cluster::can_travel(const TaskBase& t) {
  const detail::RemoteTask* remote = detail::find_remote_task(t.spec().signature);
  if (remote == nullptr || !remote->travels()) return false;
  for (std::uint32_t i = 0; i < t.param_count_; ++i) {
    if (!rt::travels(t.params_[i])) return false;
  }
  if (t.exclusive != nullptr) return false;
  // Every datum must travel in the shape the task passes (a section's length and element
  // type, or a single object): else the task runs on the master, in the program's memory
  // (its inputs fetched there first, when they fit: before_run), and what it writes
  // becomes a new version there. A writer of another shape whose datum the master holds
  // re-shapes the datum instead (DataDirectory::claim).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> released;  // {id, holders}
  bool claimed = true;
  {
    std::lock_guard data(data_mutex_);
    for (std::uint32_t i = 0; i < t.param_count_ && claimed; ++i) {
      const ParamDescriptor& d = t.params_[i];
      if (tracked(d)) claimed = directory_.claim(d, released);
    }
  }
  for (auto [id, holders] : released) {
    if (holders != 0) release(id, DataRelease::all_versions, holders);
  }
  return claimed;
}

void Cluster::ready(TaskBase* t) {
  if (!can_travel(*t)) {
    t->node = -1;  // runs on the master, outside the scheduler
    executor_.spawn(t);
    return;
  }
  place(t);
}

std::size_t Cluster::queued() { return scheduler_->waiting(); }

const sched::TaskClass* Cluster::class_of(const detail::TaskSpec& spec) {
  std::lock_guard lock(classes_mutex_);
  auto it = classes_.find(spec.signature);
  if (it != classes_.end()) return it->second;
  sched::TaskType type;
  type.name = spec.name;
  type.versions.push_back(
      {spec.name, sched::parse_constraints(spec.name, spec.constraints, spec.constraint_count)});
  type.priority = spec.priority;
  type.replicated = spec.replicated;
  type.distributed = spec.distributed;
  const sched::TaskClass* c = scheduler_->register_type(std::move(type));
  classes_.emplace(spec.signature, c);
  return c;
}

void Cluster::place(TaskBase* t, int avoid) {
  try {
    const sched::TaskClass* c = class_of(t->spec());
    sched::NodeId not_there = avoid > 0 ? worker_sched_[static_cast<std::size_t>(avoid)]
                              : avoid == 0 ? master_sched_.load(std::memory_order_acquire)
                                           : sched::IdSet::npos;
    scheduler_->submit(t, c, not_there);
  } catch (const std::exception& e) {
    unplaceable(t, e.what());
  }
}

void Cluster::unplaceable(TaskBase* t, const std::string& why) {
  std::string text = why.rfind("compss: ", 0) == 0 ? why.substr(8) : why;
  std::shared_ptr<Call> call;
  {
    std::lock_guard lock(sched_mutex_);
    if (auto it = moving_.find(t); it != moving_.end()) {
      call = std::move(it->second);
      moving_.erase(it);
    }
  }
  if (call != nullptr) {  // an attempt begun on a node that is gone
    conclude(std::move(call), rt::Runtime::Outcome::failed_not_retried,
             {"compss::Error", text, "master"});
    return;
  }
  // Never started: the run fails (as at its call, when it could never run), and the
  // executor skips the task, the runtime having failed.
  runtime_.record_failure(*t, text.c_str());
  t->node = -1;
  executor_.spawn(t);
}

void Cluster::dispatch(TaskBase* t, int n, unsigned computing_units) {
  running_.fetch_add(1, std::memory_order_relaxed);
  if (t->spec().replicated) {
    start_replica(t, n, computing_units);
    return;
  }
  std::shared_ptr<Call> call;
  {
    std::lock_guard lock(sched_mutex_);
    if (auto it = moving_.find(t); it != moving_.end()) {
      call = std::move(it->second);
      moving_.erase(it);
    }
  }
  if (call != nullptr) {
    call->node = n;
    call->computing_units = computing_units;
    send(std::move(call), false);
  } else if (n == 0) {
    run_on_master(t, computing_units);  // the Runtime runs it (its attempts), then finished()
  } else {
    start(t, n, computing_units);
  }
}

bool Cluster::release_placement(const TaskBase* t, int n) {
  ClusterNode* node = n == 0 ? master_node_.get()
                      : n > 0 && static_cast<std::size_t>(n) < workers_.size()
                          ? workers_[static_cast<std::size_t>(n)].get()
                          : nullptr;
  if (node == nullptr || !node->release(t)) return false;
  running_.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void Cluster::replace(std::shared_ptr<Call> call, int avoid) {
  TaskBase* t = call->task;
  release_placement(t, call->node);
  {
    std::lock_guard lock(sched_mutex_);
    moving_[t] = call;
  }
  place(t, avoid);
}

void Cluster::finished(TaskBase* t) noexcept {
  try {
    if (t->node <= 0) {
      // Ran on the master, in place: what it wrote is a new version only the master has.
      Drops drops;
      {
        std::lock_guard data(data_mutex_);
        master_wrote_params(t, false, drops);
      }
      release(drops);
    }
    // A remote task that timed out still holds its worker's resources until the worker
    // answers (conclude). A replicated call holds none by now (each replica gave its back).
    const int n = t->node;
    const bool held = n > 0 && t->stop.load(std::memory_order_acquire);
    if (n >= 0 && !held && !t->spec().replicated) release_placement(t, n);
  } catch (...) {
    runtime_.cancel("compss: out of memory in the scheduler");
  }
}

void Cluster::master_wrote_params(TaskBase* t, bool files_only, Drops& drops) {
  // data lock held by the caller
  for (std::size_t i = 0; i < t->param_count_; ++i) {
    for_each_datum(t->params_[i], [&](const ParamDescriptor& d) {
      if (!writes(d.direction) || (files_only && d.kind != ParamKind::file)) return;
      TrackedDatum* x = find_tracked(d);
      if (x == nullptr) return;  // never travelled: nothing to update
      std::uint64_t old = x->version;
      std::uint64_t holders = directory_.master_wrote(*x);
      if (holders != 0) drops.push_back({x->id, {old, holders}});
    });
  }
}

void Cluster::release(const Drops& drops) {
  for (const auto& [id, vh] : drops) release(id, vh.first, vh.second);
}

void Cluster::release(std::uint64_t id, std::uint64_t version, std::uint64_t holders) {
  // (No scheduler lock: the links are fixed once the workers are admitted.)
  for (std::size_t n = 1; n < links_.size(); ++n) {
    if ((holders & bit(static_cast<int>(n))) && links_[n]) links_[n]->release(id, version);
  }
}

int Cluster::holder_of(std::uint64_t id, std::uint64_t v) {
  // data lock held by the caller
  TrackedDatum* x = directory_.find_id(id);
  if (x != nullptr && x->master_version == v) return 0;
  const VersionInfo* info = directory_.find_version(id, v);
  if (info == nullptr || info->holders == 0) return -1;
  for (int n = 1; n < 64; ++n) {
    if (info->holders & bit(n)) return n;  // dead nodes were removed from holders
  }
  return -1;
}

int Cluster::choose_live_worker(int avoid) {
  std::lock_guard lock(sched_mutex_);
  int best = -1;
  std::size_t best_load = 0;
  for (std::size_t n = 1; n < workers_.size(); ++n) {
    if (!worker_alive_[n] || static_cast<int>(n) == avoid) continue;
    std::size_t load = workers_[n]->holding();
    if (best < 0 || load < best_load) {
      best = static_cast<int>(n);
      best_load = load;
    }
  }
  return best;
}

int Cluster::available_at(std::uint64_t id, std::uint64_t v,
                          std::shared_ptr<const TaskRecord>* producer) {
  // data lock held by the caller
  int h = holder_of(id, v);
  if (h >= 0) return h;
  const VersionInfo* info = directory_.find_version(id, v);
  if (info != nullptr && info->snapshot != nullptr) return from_snapshot;
  if (producer != nullptr && info != nullptr) *producer = info->producer;
  return -1;
}

int Cluster::ensure_available(std::uint64_t id, std::uint64_t v) {
  // The lineage is walked with a stack of versions to make, not by recursion: a version
  // is made again once every input its producer reads is available, so a chain of any
  // length costs memory, not this thread's stack.
  using Version = std::pair<std::uint64_t, std::uint64_t>;
  std::vector<Version> todo{{id, v}};
  std::map<Version, int> tries;
  while (!todo.empty()) {
    const auto [tid, tv] = todo.back();
    std::shared_ptr<const TaskRecord> producer;
    const std::size_t before = todo.size();
    int made = -1;
    {
      std::lock_guard data(data_mutex_);
      int h = available_at(tid, tv, &producer);
      if (h != -1 && todo.size() > 1) {
        todo.pop_back();
        continue;
      }
      made = h;
    }
    if (made != -1) {  // the version asked for
      release_remade(tries, {id, v});
      return made;
    }
    {
      std::lock_guard data(data_mutex_);
      if (producer == nullptr) {
        throw Error("compss: data " + std::to_string(tid) + " version " + std::to_string(tv) +
                    " was lost with its worker and cannot be made again");
      }
      for (const WireParam& w : producer->params) {  // its lost inputs first
        if (from_holder(w) && available_at(w.data_id, w.version, nullptr) == -1) {
          todo.push_back({w.data_id, w.version});
        }
      }
    }
    if (todo.size() > before) continue;
    if (++tries[{tid, tv}] > 64) {
      throw Error("compss: data " + std::to_string(tid) + " version " + std::to_string(tv) +
                  " could not be made again");
    }
    // (If an input was lost meanwhile, or the remake failed, the next turn finds it.)
    remake_once(tid, tv, producer);
  }
  return -1;  // not reached: the last version popped returns
}

void Cluster::release_remade(const std::map<std::pair<std::uint64_t, std::uint64_t>, int>& remade,
                             std::pair<std::uint64_t, std::uint64_t> target) {
  // Versions made again only as inputs of later ones, and superseded since, are dropped
  // again (their producers can remake them once more if needed).
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    for (const auto& [version, tries] : remade) {
      auto [rid, rv] = version;
      if (version == target) continue;
      TrackedDatum* x = directory_.find_id(rid);
      if (x == nullptr || rv >= x->version || rv == x->master_version) continue;
      VersionInfo& info = directory_.version(rid, rv);
      if (info.holders != 0) drops.push_back({rid, {rv, info.holders}});
      info.holders = 0;
    }
  }
  release(drops);
}

void Cluster::remake_once(std::uint64_t id, std::uint64_t v,
                          const std::shared_ptr<const TaskRecord>& producer) {
  {
    std::unique_lock data(data_mutex_);
    if (!remaking_.insert(producer.get()).second) {
      // Another thread runs this producer again now: its run makes this version too.
      remade_cv_.wait(data, [&] { return remaking_.count(producer.get()) == 0; });
      return;
    }
  }
  struct Done {
    Cluster& c;
    const TaskRecord* p;
    ~Done() {
      {
        std::lock_guard data(c.data_mutex_);
        c.remaking_.erase(p);
      }
      c.remade_cv_.notify_all();
    }
  } done{*this, producer.get()};
  remake(id, v, *producer);
}

void Cluster::remake(std::uint64_t id, std::uint64_t v, const TaskRecord& producer) {
  TaskRequest request;
  request.signature = producer.signature;
  request.params = producer.params;
  for (WireParam& w : request.params) w.source.clear();  // where inputs were then
  request.globals = producer.globals;
  for (WireGlobal& g : request.globals) {  // the values of the task's submission, inline
    if (!g.has_value && g.shared_value) {
      g.value = *g.shared_value;
      g.has_value = true;
    }
  }
  int n = choose_live_worker(-1);
  if (n < 0) throw Error("compss: every worker is lost; data " + std::to_string(id) + " cannot be made again");
  {
    std::lock_guard data(data_mutex_);
    for (WireParam& w : request.params) {
      if (!from_holder(w)) continue;
      int h = available_at(w.data_id, w.version, nullptr);
      if (h < 0 && h != from_snapshot) return;  // lost again meanwhile
      if (h == n) continue;
      if (h == from_snapshot) {  // a master-made version the master's object no longer holds
        w.value = *directory_.version(w.data_id, w.version).snapshot;
        w.has_value = true;
      } else if (h == 0) {
        // The master's object holds exactly this version: send it inline. (Not a fetch:
        // that brings the latest version, which may be the one being made again.)
        w.value = master_bytes(*directory_.find_id(w.data_id));
        w.has_value = true;
      } else {
        w.source = links_[static_cast<std::size_t>(h)]->data_address();
      }
    }
  }
  log(LogLevel::info, "making data " + std::to_string(id) + " version " + std::to_string(v) +
                          " again on worker " + std::to_string(n));
  CallResult r = links_[static_cast<std::size_t>(n)]->call(request);
  if (r.status == CallResult::Status::done) {
    std::lock_guard data(data_mutex_);
    for (const WireParam& o : r.done.outputs) {
      if (o.data_id != 0) record_produced(o, n, nullptr);
    }
  } else if (r.status == CallResult::Status::failed &&
             r.failed.exception_type != "compss::DataMissing") {
    throw Error("compss: making lost data again failed: " + r.failed.exception_type + ": " +
                r.failed.message);
  }
}

void Cluster::fetch_to_master(std::uint64_t id) {
  for (int tries = 0; tries < 64; ++tries) {
    std::uint64_t v = 0;
    {
      std::lock_guard data(data_mutex_);
      TrackedDatum* x = directory_.find_id(id);
      if (x == nullptr || x->master_has_latest()) return;
      v = x->version;
    }
    int h = ensure_available(id, v);
    if (h == 0) return;
    if (h == from_snapshot) {
      std::unique_lock data(data_mutex_);
      TrackedDatum* x = not_loading(data, id);
      if (x == nullptr || x->version != v) continue;
      const std::vector<std::byte>& snapshot = *directory_.version(id, v).snapshot;
      if (!x->path.empty()) {  // a file's snapshot is how it was sent: path and contents
        StagedFile file;
        from_bytes(snapshot, file);
        if (file.has_content) write_file_atomically(x->path, file.content);
      } else {
        if (x->vtable == nullptr) continue;
        InputArchive in(snapshot);
        x->vtable->load(x->object, in);
      }
      x->master_version = v;
      return;
    }
    // A value of a contiguous type is received straight into the program's object: no
    // buffer, no deserialization under the data lock. Other writers of the object wait.
    detail::SinkFactory into;
    const void* into_object = nullptr;
    {
      std::unique_lock data(data_mutex_);
      TrackedDatum* x = not_loading(data, id);
      if (x == nullptr || x->version != v) continue;
      if (x->master_has_latest()) return;
      if (x->path.empty() && x->vtable != nullptr && x->vtable->sink_into != nullptr) {
        x->loading = true;
        // From the first byte written it holds no version, until end_loading says which:
        // lineage must not take a half-written object for the version it held.
        x->master_version = TrackedDatum::no_version;
        into_object = x->object;
        into = [make = x->vtable->sink_into, object = x->object] { return make(object); };
      }
    }
    std::shared_ptr<const detail::HeldValue> value;
    std::string why;
    bool fetched = false;
    const rt::EventTime began = runtime_.events().any() ? rt::event_now() : 0;  // task events
    try {
      fetched = fetcher_->fetch(links_[static_cast<std::size_t>(h)]->data_address(), id, v, into,
                                value, why);
    } catch (...) {
      if (into) end_loading(id, v, nullptr);
      throw;
    }
    if (fetched && began != 0 && value) remote_events_->fetched(id, v, value->size(), h, began);
    if (into && end_loading(id, v, fetched ? value.get() : nullptr)) return;
    if (!fetched) continue;  // lost meanwhile: find it (or make it) elsewhere
    if (into && value->holds_object_at(into_object)) continue;  // a newer version came: fetch it
    if (load_fetched(id, v, *value)) return;
  }
  throw Error("compss: could not fetch data " + std::to_string(id) + " from the workers");
}

TrackedDatum* Cluster::not_loading(std::unique_lock<std::mutex>& data, std::uint64_t id) {
  TrackedDatum* x = nullptr;
  while ((x = directory_.find_id(id)) != nullptr && x->loading) loaded_cv_.wait(data);
  return x;
}

bool Cluster::end_loading(std::uint64_t id, std::uint64_t v, const detail::HeldValue* value) {
  bool loaded = false;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = directory_.find_id(id);
    if (x != nullptr) {
      x->loading = false;
      if (value != nullptr && x->version == v && value->holds_object_at(x->object)) {
        x->master_version = v;
        directory_.version(id, v).size = value->size();
        loaded = true;
      }
    }
  }
  loaded_cv_.notify_all();
  return loaded;
}

bool Cluster::load_fetched(std::uint64_t id, std::uint64_t v, const detail::HeldValue& value) {
  std::vector<std::byte> scratch;
  std::span<const std::byte> bytes = value.view(scratch);
  std::unique_lock data(data_mutex_);
  TrackedDatum* x = not_loading(data, id);
  if (x == nullptr || x->version != v) return false;
  if (x->master_version == v) return true;  // another thread loaded it meanwhile
  if (!x->path.empty()) {
    write_file_atomically(x->path, bytes);  // readers never see half a file
  } else {
    if (x->vtable == nullptr) throw Error("compss: a value that lives on a worker cannot be loaded on the master");
    InputArchive in(bytes);
    x->vtable->load(x->object, in);
  }
  x->master_version = v;
  directory_.version(id, v).size = bytes.size();
  return true;
}

void Cluster::fetch_all(const std::vector<std::uint64_t>& ids) {
  // From each holder's data listener, many requests in flight on one connection: one
  // round trip in all, not one per value. (Not over the task connection: there a reply
  // would wait behind queued tasks, and a large one could meet a large request head on.)
  std::map<int, std::vector<std::pair<std::uint64_t, std::uint64_t>>> asks;  // by holder
  std::vector<std::uint64_t> again;  // not loaded here: fetched one by one below
  {
    std::lock_guard data(data_mutex_);
    for (std::uint64_t id : ids) {
      TrackedDatum* x = directory_.find_id(id);
      if (x == nullptr || x->master_has_latest()) continue;
      int h = holder_of(id, x->version);
      if (h > 0) {
        asks[h].push_back({id, x->version});
      } else {
        again.push_back(id);  // lost: made again by fetch_to_master
      }
    }
  }
  for (auto& [h, versions] : asks) {
    // Task events: each value's transfer runs from the previous one's arrival.
    rt::EventTime began = runtime_.events().any() ? rt::event_now() : 0;
    fetcher_->fetch_many(links_[static_cast<std::size_t>(h)]->data_address(), versions,
                         [&, h = h](std::size_t i, const detail::HeldValue* value) {
                           auto [id, v] = versions[i];
                           if (began != 0 && value != nullptr) {
                             remote_events_->fetched(id, v, value->size(), h, began);
                             began = rt::event_now();
                           }
                           bool loaded = false;
                           try {
                             loaded = value != nullptr && load_fetched(id, v, *value);
                           } catch (...) {
                             // fetch_to_master below reports it
                           }
                           if (!loaded) again.push_back(id);
                         });
  }
  for (std::uint64_t id : again) fetch_to_master(id);
}

void Cluster::before_run(TaskBase* t) {
  if (t->node > 0) return;  // (on the master: node 0, or -1 before placement)
  fetch_inputs_to_master(t);
}

void Cluster::fetch_inputs_to_master(TaskBase* t) {
  std::vector<std::uint64_t> stale;
  Drops retyped;  // data of objects that died where this task's objects now are
  {
    std::lock_guard data(data_mutex_);
    for (std::size_t i = 0; i < t->param_count_; ++i) {
      for_each_datum(t->params_[i], [&](const ParamDescriptor& d) {
        if (!reads(d.direction)) return;
        TrackedDatum* x = nullptr;
        if (d.kind == ParamKind::file) {
          x = directory_.find_file(std::string(d.key.path));
        } else if (d.kind == ParamKind::object && d.key.tag == detail::DataKey::Tag::address) {
          if (auto [id, holders] = directory_.forget_other_type(d); holders != 0) {
            retyped.push_back({id, {DataRelease::all_versions, holders}});
          }
          x = directory_.find(d.key.address);
        }
        if (x == nullptr || x->master_has_latest()) return;
        if (x->path.empty() && !DataDirectory::fits(*x, d)) {
          DataDirectory::throw_other_shape(
              *x, d,
              "its latest version is on a worker and loading it here would write past what "
              "this task passes; wait for the array (compss::wait_on(p)) before passing its "
              "address in another shape (docs/distributed.md, \"Array sections\")");
        }
        stale.push_back(x->id);
      });
    }
  }
  release(retyped);
  // Several (a collection's elements): one round trip per holder, not one per value.
  if (stale.size() == 1) {
    fetch_to_master(stale[0]);
  } else if (!stale.empty()) {
    fetch_all(stale);
  }
}

bool Cluster::build_request(TaskBase* t, int n, TaskRequest& request, bool may_block) {
  const std::size_t arity = declared_params(*t);
  const bool shared_files = links_[static_cast<std::size_t>(n)]->hello().shared_files;
  // By-value parameters converted from another type need the master's copy first; so do
  // files a worker that shares the master's files reads, when their latest version lives
  // on a worker without them.
  for (std::size_t i = 0; i < arity; ++i) {
    const ParamDescriptor& d = t->params_[i];
    const bool converted =
        d.copy_in && d.deferred && !tracked(d) && d.key.tag == detail::DataKey::Tag::address;
    const bool shared_file = d.kind == ParamKind::file && shared_files && reads(d.direction);
    if (!converted && !shared_file) continue;
    std::uint64_t id = 0;
    {
      std::lock_guard data(data_mutex_);
      TrackedDatum* x = converted ? directory_.find(d.key.address)
                                  : directory_.find_file(std::string(d.key.path));
      if (x != nullptr && !x->master_has_latest()) id = x->id;
    }
    if (id == 0) continue;
    if (!may_block) return false;
    fetch_to_master(id);
  }
  for (int round = 0;; ++round) {
    request.signature = t->spec().signature;
    request.params.clear();
    request.params.resize(arity);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> missing;
    Drops retyped;  // data of objects that died where this task's objects now are
    {
      std::lock_guard data(data_mutex_);
      for (std::size_t i = 0; i < arity; ++i) {
        const ParamDescriptor& d = t->params_[i];
        WireParam& w = request.params[i];
        w.direction = static_cast<std::uint8_t>(d.direction);
        w.kind = static_cast<std::uint8_t>(d.kind);
        if (const detail::SectionRef* section = d.section()) w.size = section->size;  // its extent
        if (d.kind == ParamKind::file && !shared_files) {
          // The worker does not see the master's files: the file is a datum like any
          // other (its versions' bytes are its contents). The request always carries its
          // path; the contents come inline from the master or from a holder.
          TrackedDatum& x = directory_.track_file(std::string(d.key.path));
          w.data_id = x.id;
          w.version = x.version;
          w.has_value = true;
          StagedFile file;
          file.path = x.path;
          if (reads(d.direction)) {
            VersionInfo& info = directory_.version(x.id, x.version);
            if ((info.holders & bit(n)) == 0 && x.master_has_latest()) {
              file = staged_from_master(x.path, true);
              info.size = file.content.size();
              if (info.producer == nullptr && info.snapshot == nullptr) {
                info.snapshot = std::make_shared<const std::vector<std::byte>>(to_bytes(file));
              }
            } else {
              file.from_store = true;
              if ((info.holders & bit(n)) == 0) {
                int h = holder_of(x.id, x.version);
                if (h < 0) {
                  missing.push_back({x.id, x.version});
                } else {
                  w.source = links_[static_cast<std::size_t>(h)]->data_address();
                }
              }
            }
          }
          w.value = to_bytes(file);
          continue;
        }
        if (!tracked(d)) {
          if (d.serializable()) {
            w.has_value = true;
            w.value = save(d);
          }
          continue;
        }
        TrackedDatum& x = track(d, retyped);
        w.data_id = x.id;
        w.version = x.version;
        if (!reads(d.direction)) continue;
        VersionInfo& info = directory_.version(x.id, x.version);
        if (info.holders & bit(n)) continue;  // already there
        if (x.master_has_latest()) {
          w.has_value = true;
          w.value = save(d);
          info.size = w.value.size();
          if (info.producer == nullptr && info.snapshot == nullptr) {
            info.snapshot = std::make_shared<const std::vector<std::byte>>(w.value);
          }
          // The worker keeps what it is sent, but becomes a holder only once its answer
          // shows it stored it (record_outputs): others must not fetch it from there earlier.
          continue;
        }
        int h = holder_of(x.id, x.version);
        if (h < 0) {
          missing.push_back({x.id, x.version});
        } else {
          w.source = links_[static_cast<std::size_t>(h)]->data_address();
        }
      }
      if (t->param_count_ > arity) {  // the result: a datum of its own
        const ParamDescriptor& d = t->params_[arity];
        WireParam w;
        w.direction = static_cast<std::uint8_t>(Direction::out);
        if (tracked(d)) {
          TrackedDatum& x = track(d, retyped);
          if (auto* state = reinterpret_cast<detail::FutureStateBase*>(d.key.address)) {
            // Its destructor forgets the datum before the memory can hold another object.
            state->tracked.store(true, std::memory_order_release);
          }
          w.data_id = x.id;
          w.version = x.version;
        }
        request.params.push_back(std::move(w));
      }
    }
    release(retyped);
    if (missing.empty()) {
      if (t->globals) globals_.add_to_request(*t->globals, n, request);
      return true;
    }
    if (!may_block) return false;  // (tracking changed nothing a second build would not redo)
    if (round > 64) throw Error("compss: the inputs of a task could not be found on any node");
    for (auto [id, v] : missing) ensure_available(id, v);
  }
}

std::uint64_t Cluster::record_produced(const WireParam& o, int n,
                                       std::shared_ptr<const TaskRecord> producer) {
  std::uint64_t older = directory_.produced(o.data_id, o.version, n, o.size, std::move(producer));
  if (!(live_.load() & bit(n))) {
    // Its worker died after answering: only the lineage is kept.
    directory_.version(o.data_id, o.version).holders &= ~bit(n);
  }
  return older;
}

void Cluster::record_outputs(TaskBase* t, int n, std::shared_ptr<const TaskRecord> record,
                             TaskDone& done) {
  Drops drops;
  {
    std::lock_guard data(data_mutex_);
    for (const WireParam& w : record->params) {
      if (!kept_by_worker(w)) continue;
      const TrackedDatum* x = directory_.find_id(w.data_id);
      if (x != nullptr && x->version == w.version) {
        directory_.version(w.data_id, w.version).holders |= bit(n);
      } else {  // superseded (or forgotten) meanwhile: the other copies are dropped already
        drops.push_back({w.data_id, {w.version, bit(n)}});
      }
    }
    for (WireParam& o : done.outputs) {
      if (o.kind == static_cast<std::uint8_t>(ParamKind::file) && o.data_id == 0) {
        // A file written on a worker without the master's files: `version` names the
        // parameter; the bytes replace the master's file.
        if (o.has_value && o.version < t->param_count_) {
          write_file_atomically(std::string(t->params_[o.version].key.path), o.value);
        }
        continue;
      }
      if (o.data_id == 0) {
        // Not tracked: its value came back inline; find the parameter it belongs to.
        if (!o.has_value) continue;
        for (std::size_t i = 0; i < t->param_count_; ++i) {
          ParamDescriptor& d = t->params_[i];
          if (i < record->params.size() && record->params[i].data_id == 0 &&
              writes(d.direction) && d.vtable != nullptr && d.vtable->load != nullptr) {
            InputArchive in(o.value);
            d.vtable->load(d.object, in);
            break;
          }
        }
        continue;
      }
      std::uint64_t holders = record_produced(o, n, record);
      if (holders != 0) drops.push_back({o.data_id, {o.version - 1, holders}});
    }
    // It wrote the master's files in place: copies other workers keep are stale.
    if (links_[static_cast<std::size_t>(n)]->hello().shared_files) master_wrote_params(t, true, drops);
  }
  release(drops);
}


namespace {
/// A task is run on at most this many workers that die while running it: at that death
/// it fails (compss::WorkerLost, not retried whatever its policy) instead of going to
/// the next worker, because the task itself is the likely cause (a crash, a SIGKILL, the
/// OOM killer) and would take every worker down. A worker that dies while the task only
/// waited in its queue does not count.
constexpr std::size_t max_workers_killed = 2;
}  // namespace

namespace {
/// The request of one attempt as sent: never changed once sent (the sending thread may
/// still read it when the answer comes), shared with the lineage of what it makes.
using SentRequest = std::shared_ptr<const Message>;
std::shared_ptr<const TaskRecord> record_of(const SentRequest& sent) {
  return {sent, &std::get<TaskRequest>(*sent)};
}
}  // namespace

void Cluster::run_on_master(TaskBase* t, unsigned computing_units) {
  if (computing_units <= 1) {
    executor_.spawn(t);
    return;
  }
  executor_.run_job([this, t, computing_units] {
    rt::ComputingUnitsScope cu(computing_units);  // compss::this_task::computing_units()
    runtime_.execute_chain(t);
  });
}

void Cluster::start(TaskBase* t, int n, unsigned computing_units) {
  t->add_ref();  // until the last answer: a timed-out task is finished by the watchdog
  if (runtime_.cancelled_before_start(t)) {
    runtime_.finish(t);  // (finished() gives its reservation back)
    t->release_ref();
    return;
  }
  auto call = std::make_shared<Call>();
  call->task = t;
  call->node = n;
  call->computing_units = computing_units;
  call->deadline = runtime_.begin_attempt(t);
  send(std::move(call), false);
}

void Cluster::send(std::shared_ptr<Call> call, bool may_block) {
  TaskBase* t = call->task;
  const int n = call->node;
  t->node = n;
  if (n <= 0) {
    // Placed on the master (a retry, or no worker left): it runs there as any master
    // task does, on the executor, its attempt begun here withdrawn (unless it already
    // timed out).
    if (!runtime_.withdraw_attempt(t, call->deadline)) {
      conclude(std::move(call), rt::Runtime::Outcome::failed,
               {"compss::TimeOut", "timed out before it could run on the master", "master"});
      return;
    }
    t->release_ref();  // start()'s; the task's own reference lasts until it finishes
    run_on_master(t, call->computing_units);
    return;
  }
  if (t->stop.load(std::memory_order_acquire)) {
    // Timed out while it waited on the lane: not sent at all.
    conclude(std::move(call), rt::Runtime::Outcome::ok, {});
    return;
  }
  auto message = std::make_shared<Message>(TaskRequest{});
  try {
    if (!build_request(t, n, std::get<TaskRequest>(*message), may_block)) {
      lane_.post([this, call] { send(call, true); });
      return;
    }
  } catch (const std::exception& e) {  // its inputs cannot be found or made again
    conclude(call, rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
    return;
  }
  std::get<TaskRequest>(*message).computing_units = call->computing_units;
  SentRequest sent = message;
  call->sent_at = runtime_.events().any() ? rt::event_now() : 0;
  if (call->sent_at != 0 && t->spec().time_out > 0) {
    // Its time-out may end it before the worker answers (the watchdog tells `ended`):
    // `started` is told now, at the send, so it never misses or follows that end.
    runtime_.notify_started(*t, rt::Allocation{n, links_[static_cast<std::size_t>(n)]->name(), 0},
                            call->sent_at);
    call->started_told = true;
  }
  workers_[static_cast<std::size_t>(n)]->call(
      *message, [this, call, n, sent](CallResult&& r) { answered(call, n, sent, std::move(r)); });
}

void Cluster::answered(std::shared_ptr<Call> call, int n, const SentRequest& sent,
                       CallResult&& r) {
  TaskBase* t = call->task;
  if (t->globals && r.status != CallResult::Status::lost) {
    globals_.confirm(*t->globals, n, std::get<TaskRequest>(*sent));  // it received them
  }
  // Timed out meanwhile (time_out): its policy was applied and it was finished; what it
  // made is discarded, as for a local task.
  if (t->stop.load(std::memory_order_acquire)) {
    conclude(std::move(call), rt::Runtime::Outcome::ok, {});
    return;
  }
  rt::EventTime ended_at = 0;  // task events: started and transfers told, the end returned
  if (call->sent_at != 0 && r.status != CallResult::Status::lost) {
    const WorkerTimes& times = r.status == CallResult::Status::done ? r.done.times : r.failed.times;
    ended_at = remote_events_->answered(*t, n, std::get<TaskRequest>(*sent), times,
                                        r.status == CallResult::Status::done, call->sent_at,
                                        rt::event_now(), call->started_told);
  }
  switch (r.status) {
    case CallResult::Status::done:
      try {
        record_outputs(t, n, record_of(sent), r.done);
      } catch (const std::exception& e) {
        conclude(std::move(call), rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
        return;
      } catch (...) {  // a user type's load threw something else
        conclude(std::move(call), rt::Runtime::Outcome::failed,
                 {"unknown", "loading a task's output on the master failed", "master"});
        return;
      }
      conclude(std::move(call), rt::Runtime::Outcome::ok, {}, ended_at);
      return;
    case CallResult::Status::failed: {
      if (r.failed.exception_type == "compss::DataMissing" && call->missing_tries < 50) {
        // (Or a global's value it no longer keeps: the resend carries it inline.)
        if (t->globals) globals_.forget(*t->globals, n);
        // A peer it fetched from went away: once the master notices, the data is found
        // (or made again) elsewhere. The pause is a timer; the resend goes through the
        // lane (it may have to wait for that).
        auto pause = std::chrono::milliseconds(20 * (call->missing_tries++ % 10 + 1));
        after(pause, [this, call] { send(call, true); });
        return;
      }
      if (t->spec().on_failure == detail::OnFailure::retry) call->avoid = n;  // retry elsewhere
      // A compss::Exception thrown on a worker cancels the task's group as it does locally.
      const bool group = r.failed.exception_type == "compss::Exception" && t->group != nullptr;
      conclude(std::move(call),
               group ? rt::Runtime::Outcome::group_exception : rt::Runtime::Outcome::failed,
               {r.failed.exception_type, r.failed.message, links_[static_cast<std::size_t>(n)]->name()},
               ended_at);
      return;
    }
    case CallResult::Status::lost:
      if (r.was_running) {
        call->killed_workers.push_back("worker " + std::to_string(n) + " (" +
                                       links_[static_cast<std::size_t>(n)]->name() + "): " + r.why);
        if (call->killed_workers.size() >= max_workers_killed) {
          std::string workers;
          for (const std::string& w : call->killed_workers) workers += (workers.empty() ? "" : "; ") + w;
          conclude(std::move(call), rt::Runtime::Outcome::failed_not_retried,
                   {"compss::WorkerLost",
                    "its worker died while running it, " + std::to_string(max_workers_killed) +
                        " times (" + workers + "); not run again: the task itself likely "
                        "kills its worker (a crash, SIGKILL, out of memory)",
                    workers});
          return;
        }
      }
      // Lost with its worker: it runs again on another node, which is not a failure.
      if (links_[static_cast<std::size_t>(n)]->alive()) {
        // The send failed before the receiver saw the connection end: once it has, the
        // worker is out of the scheduler and the attempt is placed elsewhere.
        after(std::chrono::milliseconds(10), [this, call, n] { replace(call, n); });
        return;
      }
      replace(std::move(call), n);
      return;
  }
}

void Cluster::after(std::chrono::milliseconds delay, std::function<void()> job) {
  // A timer on the io thread, then the lane: no thread sleeps through the pause.
  auto timer = std::make_shared<boost::asio::steady_timer>(io_->context(), delay);
  timer->async_wait([this, timer, job = std::move(job)](const boost::system::error_code&) mutable {
    lane_.post(std::move(job));  // (dropped once the lane stopped: the run is over)
  });
}

void Cluster::conclude(std::shared_ptr<Call> call, rt::Runtime::Outcome outcome,
                       const rt::TaskError& err, rt::EventTime ended_at) {
  TaskBase* t = call->task;
  switch (runtime_.end_attempt(t, call->deadline, outcome, err, ended_at)) {
    case rt::Runtime::AfterAttempt::finish:
      runtime_.finish(t);  // gives back its reservation (finished) and readies successors
      break;
    case rt::Runtime::AfterAttempt::again:
      call->deadline = runtime_.begin_attempt(t);
    {
      const int avoid = call->avoid;
      replace(std::move(call), avoid);  // placed again, elsewhere when it can
    }
      return;
    case rt::Runtime::AfterAttempt::abandoned:
      // The watchdog finished it when it timed out; its reservation was kept until now.
      if (call->node > 0) release_placement(t, call->node);
      break;
  }
  t->release_ref();
}

struct Cluster::Replicas {
  Deadline deadline = rt::Runtime::no_deadline;
  bool cancelled = false;  ///< skipped before its first replica started
  bool recorded = false;   ///< a replica's outputs were recorded (the first success's)
  int node = -1;           ///< where those outputs were made
  rt::Runtime::Outcome outcome = rt::Runtime::Outcome::ok;
  rt::TaskError error;
};

void Cluster::start_replica(TaskBase* t, int n, unsigned computing_units) {
  std::shared_ptr<Replicas> r;
  {
    std::lock_guard lock(sched_mutex_);
    auto [it, first] = replicas_.try_emplace(t);
    if (first) {
      // The call's one attempt begins with its first replica and ends with its last.
      it->second = std::make_shared<Replicas>();
      t->add_ref();
      if (runtime_.cancelled_before_start(t)) {
        it->second->cancelled = true;
      } else {
        it->second->deadline = runtime_.begin_attempt(t);
      }
    }
    r = it->second;
  }
  // The master's replica runs only when no worker is left: a body run in place takes the
  // task's by-value arguments (moves them), which the requests of replicas still to be
  // sent to workers need (limit: docs/distributed.md).
  const bool master_skipped = n == 0 && choose_live_worker(-1) > 0;
  if (r->cancelled || t->stop.load(std::memory_order_acquire) || master_skipped) {
    replica_ended(t, n, rt::Runtime::Outcome::ok, {});
    return;
  }
  if (n == 0) {
    executor_.run_job([this, t, computing_units] {
      rt::ComputingUnitsScope cu(computing_units);
      rt::TaskError err;
      rt::Runtime::Outcome outcome = rt::Runtime::Outcome::ok;
      try {
        fetch_inputs_to_master(t);
        outcome = runtime_.run_body_once(t, err);
      } catch (const std::exception& e) {
        outcome = rt::Runtime::Outcome::failed;
        err = {"compss::Error", e.what(), "master"};
      }
      replica_ended(t, 0, outcome, err);
    });
    return;
  }
  send_replica(t, n, computing_units, false);
}

void Cluster::send_replica(TaskBase* t, int n, unsigned computing_units, bool may_block) {
  auto message = std::make_shared<Message>(TaskRequest{});
  try {
    if (!build_request(t, n, std::get<TaskRequest>(*message), may_block)) {
      lane_.post([this, t, n, computing_units] { send_replica(t, n, computing_units, true); });  // (not on a receiver thread)
      return;
    }
  } catch (const std::exception& e) {
    replica_ended(t, n, rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
    return;
  }
  std::get<TaskRequest>(*message).computing_units = computing_units;
  SentRequest sent = message;
  workers_[static_cast<std::size_t>(n)]->call(*message, [this, t, n, sent](CallResult&& res) {
    if (t->globals && res.status != CallResult::Status::lost) {
      globals_.confirm(*t->globals, n, std::get<TaskRequest>(*sent));
    }
    switch (res.status) {
      case CallResult::Status::done: {
        bool record = false;
        {
          std::lock_guard lock(sched_mutex_);
          auto it = replicas_.find(t);
          if (it != replicas_.end() && !it->second->recorded && !t->stop.load()) {
            it->second->recorded = record = true;
            it->second->node = n;
          }
        }
        try {
          if (record) record_outputs(t, n, record_of(sent), res.done);
        } catch (const std::exception& e) {
          replica_ended(t, n, rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
          return;
        }
        replica_ended(t, n, rt::Runtime::Outcome::ok, {});
        return;
      }
      case CallResult::Status::failed:
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

void Cluster::finish_replicated(void* task) {
  auto* t = static_cast<TaskBase*>(task);
  if (!t->spec().replicated) return;  // an ordinary call (alive here): it ends in finished()
  std::shared_ptr<Replicas> r;
  {
    std::lock_guard lock(sched_mutex_);
    auto it = replicas_.find(t);
    if (it == replicas_.end()) return;
    r = std::move(it->second);
    replicas_.erase(it);
  }
  if (r->cancelled) {
    runtime_.finish(t);
    t->release_ref();
    return;
  }
  // Outputs recorded from a worker are held there; else the master's copies are the ones.
  t->node = r->recorded ? r->node : 0;
  switch (runtime_.end_attempt(t, r->deadline, r->outcome, r->error)) {
    case rt::Runtime::AfterAttempt::finish:
      runtime_.finish(t);
      break;
    case rt::Runtime::AfterAttempt::again:
      t->release_ref();  // the next first replica takes it again
      place(t);
      return;
    case rt::Runtime::AfterAttempt::abandoned:
      break;
  }
  t->release_ref();
}

void Cluster::on_lost(int n, const std::string& why) {
  bool no_worker_left = true;
  {
    std::lock_guard lock(sched_mutex_);
    if (!worker_alive_[static_cast<std::size_t>(n)]) return;
    worker_alive_[static_cast<std::size_t>(n)] = false;
    live_.fetch_and(~bit(n));  // before drop_node: outputs arriving now are not recorded there
    if (stopping_) return;
    std::fprintf(stderr, "compss: worker %d (%s) lost: %s; its tasks run again elsewhere\n", n,
                 links_[static_cast<std::size_t>(n)]->name().c_str(), why.c_str());
    for (std::size_t i = 1; i < worker_alive_.size(); ++i) no_worker_left &= !worker_alive_[i];
    {
      std::lock_guard data(data_mutex_);
      directory_.drop_node(n);
    }
  }
  // (Its tasks in flight come back as `lost` answers and are placed again one by one.)
  if (no_worker_left && master_sched_.load() == sched::IdSet::npos) add_master_node(runtime_.threads());
  std::vector<void*> stranded = scheduler_->remove_node(worker_sched_[static_cast<std::size_t>(n)]);
  for (void* task : stranded) {
    auto* t = static_cast<TaskBase*>(task);
    unplaceable(t, scheduler_->never_fits(class_of(t->spec())));
  }
}

void Cluster::sync(std::uintptr_t address, bool user_may_write) {
  sync_key(detail::DataKey::of(reinterpret_cast<const void*>(address)), user_may_write);
}

void Cluster::sync_file(const std::string& path) {
  sync_key(detail::DataKey::of_file(path), true);
}

void Cluster::sync_key(const detail::DataKey& key, bool user_may_write) {
  std::uint64_t id = 0;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = key.tag == detail::DataKey::Tag::file
                          ? directory_.find_file(std::string(key.path))
                          : directory_.find(key.address);
    if (x == nullptr) return;
    id = x->id;
  }
  fetch_to_master(id);
  if (user_may_write) drop_worker_copies_of(id);
}

void Cluster::drop_worker_copies_of(std::uint64_t id) {
  std::uint64_t holders = 0, old = 0;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = directory_.find_id(id);
    if (x == nullptr || !x->master_has_latest()) return;
    const VersionInfo* info = directory_.find_version(x->id, x->version);
    if (info == nullptr || info->holders == 0) return;  // nobody keeps a copy
    id = x->id;
    old = x->version;
    holders = directory_.master_wrote(*x);
  }
  if (holders != 0) release(id, old, holders);
}

void Cluster::submitted(TaskBase* t, std::uint64_t untouched) {
  const detail::TaskSpec& spec = t->spec();
  if (spec.constraint_count != 0 || spec.replicated || spec.distributed) {
    // A task no node of the run can ever run fails at its call, as in a local run.
    std::string why;
    try {
      why = scheduler_->never_fits(class_of(spec));
    } catch (const std::exception& e) {  // malformed constraints
      why = e.what();
    }
    if (!why.empty()) runtime_.record_failure(*t, why.substr(why.rfind("compss: ", 0) == 0 ? 8 : 0).c_str());
  }
  const detail::RemoteTask* remote = detail::find_remote_task(t->spec().signature);
  if (remote != nullptr && remote->global_count != 0 && remote->travels()) {
    t->globals = globals_.snapshot(*remote);  // the values of its place in program order
  }
  for (std::uint32_t i = 0; i < t->param_count_; ++i) {
    const ParamDescriptor& d = t->params_[i];
    if (d.copy_in && !d.deferred) {
      copy_latest_to_master(d);
      continue;
    }
    if (i >= 64 || !(untouched >> i & 1) || (d.kind != ParamKind::file && !tracked(d))) continue;
    std::uint64_t id = 0;
    {
      std::lock_guard data(data_mutex_);
      if (TrackedDatum* x = find_tracked(d)) id = x->id;
    }
    if (id != 0) drop_worker_copies_of(id);
  }
}

void Cluster::copy_latest_to_master(const ParamDescriptor& d) {
  if (d.key.tag != detail::DataKey::Tag::address) return;
  std::uint64_t id = 0;
  {
    std::lock_guard data(data_mutex_);
    TrackedDatum* x = directory_.find(d.key.address);
    if (x == nullptr || x->master_has_latest()) return;
    id = x->id;
  }
  fetch_to_master(id);  // (the program only reads it: the workers' copies stay valid)
}

void Cluster::sync_range(std::uintptr_t begin, std::uintptr_t end) {
  std::vector<std::uintptr_t> addresses;
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard data(data_mutex_);
    // Also those the master holds: workers may keep copies the program could now change.
    for (TrackedDatum* x : directory_.in_range(begin, end)) {
      addresses.push_back(x->address);
      if (!x->master_has_latest()) ids.push_back(x->id);
    }
  }
  fetch_all(ids);
  for (std::uintptr_t a : addresses) sync(a, true);  // (now only drops workers' copies)
}

void Cluster::sync_all() {
  sync_range(0, ~std::uintptr_t{0});
  std::vector<std::uint64_t> files;
  {
    std::lock_guard data(data_mutex_);
    for (TrackedDatum* x : directory_.files()) files.push_back(x->id);
  }
  fetch_all(files);
  for (std::uint64_t id : files) drop_worker_copies_of(id);  // the program may change them
}

void Cluster::forget(std::uintptr_t address) noexcept {
  try {
    std::pair<std::uint64_t, std::uint64_t> gone;
    {
      std::lock_guard data(data_mutex_);
      gone = directory_.forget(address);
    }
    if (gone.second != 0) release(gone.first, DataRelease::all_versions, gone.second);
  } catch (...) {
    // Only memory on the workers stays used longer.
  }
}

std::string Cluster::node_name(int node) const {
  const auto n = static_cast<std::size_t>(node);
  if (node == 0) return "master";
  if (node > 0 && n < links_.size() && links_[n]) return links_[n]->name();
  return "worker " + std::to_string(node);
}

void Cluster::tell_run_ended() noexcept {
  for (auto& link : links_) {
    if (link) link->begin_shutdown();  // (sent before this returns: send() writes it)
  }
}

void Cluster::shutdown() noexcept {
  {
    std::lock_guard lock(sched_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  lane_.stop();
  for (auto& link : links_) {
    if (link) link->begin_shutdown();  // all at once, then wait for each
  }
  for (auto& link : links_) {
    if (link) link->shutdown();
  }
  listener_.reset();
}

}  // namespace compss::net
