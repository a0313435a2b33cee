#include "net/cluster.hpp"

#include "core/access.hpp"
#include "core/runtime.hpp"
#include "net/file_staging.hpp"
#include "net/global_values.hpp"
#include "net/io_thread.hpp"
#include "net/listener.hpp"
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
    : runtime_(runtime),
      executor_(executor),
      config_(std::move(config)),
      queue_(config_.policy == SchedulerPolicy::lifo) {
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
  log(LogLevel::info, "master listening on port " + std::to_string(listener_->port()) +
                          ", waiting for " + std::to_string(config_.workers_expected) +
                          " worker(s)");
  {
    std::lock_guard lock(sched_mutex_);
    slots_.push_back({0, "master", config_.master_cores, 0, true});
    links_.emplace_back();
  }
  StartWait wait(config_.workers_expected, config_.connect_timeout, config_.worker_exits_fd,
                 config_.require_workers);
  unsigned connected = 0;
  while (wait.waiting()) {
    std::shared_ptr<Endpoint> ep = listener_->accept(wait.next_slice());
    if (ep == nullptr) continue;
    Message m;
    if (ep->receive(m, std::chrono::seconds(5)) || !std::holds_alternative<Hello>(m)) {
      ep->close();
      continue;
    }
    Hello hello = std::get<Hello>(std::move(m));
    std::string host = peer_host(*ep);
    std::lock_guard lock(sched_mutex_);
    int id = static_cast<int>(links_.size());
    unsigned cores = std::max(1u, hello.cores);
    std::string name = hello.node_name.empty() ? host : hello.node_name;
    wait.connected(hello.node_name);
    slots_.push_back({id, name, cores, 0, true});
    links_.push_back(std::make_unique<WorkerLink>(
        id, ep, std::move(hello), host, [this](int n, const std::string& why) { on_lost(n, why); },
        config_.worker_timeout));
    ++connected;
    live_.fetch_or(bit(id));
    log(LogLevel::info, "worker " + std::to_string(id) + " (" + name + ", " +
                            std::to_string(cores) + " slots) connected from " + host);
  }
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
  std::lock_guard lock(sched_mutex_);
  if (connected == 0 && slots_[0].slots == 0) slots_[0].slots = runtime_.threads();
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
    t->node = -1;  // runs on the master, outside the slot count
    executor_.spawn(t);
    return;
  }
  std::vector<TaskBase*> to_send;
  {
    std::unique_lock lock(sched_mutex_);
    queue_.push(t, t->spec().priority);
    pump(lock, to_send);
  }
  send_placed(to_send);
}

std::size_t Cluster::queued() {
  std::lock_guard lock(sched_mutex_);
  return queue_.size();
}

void Cluster::pump(std::unique_lock<std::mutex>& /*sched lock held*/, std::vector<TaskBase*>& to_send) {
  const bool locality = config_.policy == SchedulerPolicy::locality;
  std::vector<std::uint64_t>& bytes = input_bytes_;  // reused: no allocation per call
  bytes.resize(slots_.size());
  while (!queue_.empty()) {
    bool priority = false;
    TaskBase* t = queue_.pop(&priority);
    std::fill(bytes.begin(), bytes.end(), 0);
    if (locality) {
      std::lock_guard data(data_mutex_);
      for (std::size_t i = 0; i < declared_params(*t); ++i) {
        const ParamDescriptor& d = t->params_[i];
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
    int i = sched::choose_node(slots_, bytes, locality);
    if (i < 0 && t->spec().time_out <= 0) {
      // Every slot is busy: queue it on a worker, behind the tasks it is running.
      i = sched::choose_node(slots_, bytes, locality, pipeline_depth);
    }
    if (i < 0) {
      queue_.push_front(t, priority);
      return;
    }
    ++slots_[static_cast<std::size_t>(i)].running;
    running_.fetch_add(1, std::memory_order_relaxed);
    t->node = i;
    if (i == 0) {
      executor_.spawn(t);
    } else {
      to_send.push_back(t);
    }
  }
}

void Cluster::send_placed(std::vector<TaskBase*>& tasks) {
  // Starting a task can place others (a cancelled task finishes at once and frees its
  // slot): those are started by the outermost call on this thread, not by recursion.
  thread_local std::vector<TaskBase*>* outer = nullptr;
  if (outer != nullptr) {
    outer->insert(outer->end(), tasks.begin(), tasks.end());
    return;
  }
  std::vector<TaskBase*> work;
  work.swap(tasks);
  struct Outermost {
    explicit Outermost(std::vector<TaskBase*>* w) { outer = w; }
    ~Outermost() { outer = nullptr; }
  } scope(&work);
  for (std::size_t i = 0; i < work.size(); ++i) start(work[i]);
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
    // A remote task that timed out still holds its worker's slot: free_held_slot frees
    // it when the worker answers.
    const bool held = t->node > 0 && t->stop.load(std::memory_order_acquire);
    if (t->node >= 0 && !held) free_held_slot(t);
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

void Cluster::free_held_slot(TaskBase* t) {
  std::vector<TaskBase*> to_send;
  {
    std::unique_lock lock(sched_mutex_);
    auto& s = slots_[static_cast<std::size_t>(t->node)];
    if (s.running > 0) --s.running;
    running_.fetch_sub(1, std::memory_order_relaxed);
    pump(lock, to_send);
  }
  send_placed(to_send);
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
  for (std::size_t n = 1; n < slots_.size(); ++n) {
    if (!slots_[n].alive || static_cast<int>(n) == avoid) continue;
    if (best < 0 || slots_[n].running * slots_[static_cast<std::size_t>(best)].slots <
                        slots_[static_cast<std::size_t>(best)].running * slots_[n].slots) {
      best = static_cast<int>(n);
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

struct Cluster::Call {
  TaskBase* task = nullptr;
  Deadline deadline = rt::Runtime::no_deadline;
  rt::EventTime sent_at = 0;  // task events: when this attempt was sent (0: not observed)
  int missing_tries = 0;  // answers "an input went missing" so far
  /// The workers that died while they were running it (CallResult::was_running), as
  /// "worker N (name): why".
  std::vector<std::string> killed_workers;
};

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

void Cluster::start(TaskBase* t) {
  t->add_ref();  // until the last answer: a timed-out task is finished by the watchdog
  if (runtime_.cancelled_before_start(t)) {
    runtime_.finish(t);
    t->release_ref();
    return;
  }
  auto call = std::make_shared<Call>();
  call->task = t;
  call->deadline = runtime_.begin_attempt(t);
  send(std::move(call), false);
}

void Cluster::send(std::shared_ptr<Call> call, bool may_block) {
  TaskBase* t = call->task;
  const int n = t->node;
  if (n <= 0) {
    // Moved to the master (no worker left): it runs there as any master task does, on
    // the executor, its attempt begun here withdrawn (unless it already timed out).
    if (!runtime_.withdraw_attempt(t, call->deadline)) {
      conclude(std::move(call), rt::Runtime::Outcome::failed,
               {"compss::TimeOut", "timed out before it could run on the master", "master"});
      return;
    }
    t->release_ref();  // start()'s; the task's own reference lasts until it finishes
    executor_.spawn(t);
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
  SentRequest sent = message;
  call->sent_at = runtime_.events().any() ? rt::event_now() : 0;
  links_[static_cast<std::size_t>(n)]->call_async(
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
                                        rt::event_now());
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
      if (t->spec().on_failure == detail::OnFailure::retry) move_task(t, n);  // retry elsewhere
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
      move_task(t, n);
      if (t->node == n) {
        // The send failed before the receiver saw the connection end: try again shortly.
        after(std::chrono::milliseconds(10), [this, call] { send(call, true); });
        return;
      }
      send(std::move(call), false);
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
      runtime_.finish(t);  // frees its slot (finished) and places its successors
      break;
    case rt::Runtime::AfterAttempt::again:
      call->deadline = runtime_.begin_attempt(t);
      send(std::move(call), false);
      return;
    case rt::Runtime::AfterAttempt::abandoned:
      // The watchdog finished it when it timed out; its slot was kept until now.
      if (t->node > 0) free_held_slot(t);
      break;
  }
  t->release_ref();
}

void Cluster::move_task(TaskBase* t, int from) {
  int next = choose_live_worker(from);
  std::lock_guard lock(sched_mutex_);
  if (next < 0) {
    if (slots_[static_cast<std::size_t>(from)].alive) return;  // the only worker: stay
    next = 0;  // no worker left: the master
  }
  if (slots_[static_cast<std::size_t>(from)].running > 0) --slots_[static_cast<std::size_t>(from)].running;
  t->node = next;
  ++slots_[static_cast<std::size_t>(next)].running;
}

void Cluster::on_lost(int n, const std::string& why) {
  std::vector<TaskBase*> to_send;
  {
    std::unique_lock lock(sched_mutex_);
    auto& s = slots_[static_cast<std::size_t>(n)];
    if (!s.alive) return;
    s.alive = false;
    live_.fetch_and(~bit(n));  // before drop_node: outputs arriving now are not recorded there
    if (stopping_) return;
    std::fprintf(stderr, "compss: worker %d (%s) lost: %s; its tasks run again elsewhere\n", n,
                 s.name.c_str(), why.c_str());
    // (Its tasks in flight come back as `lost` answers and are moved one by one.)
    bool any = false;
    for (std::size_t i = 1; i < slots_.size(); ++i) any |= slots_[i].alive;
    if (!any && slots_[0].slots == 0) slots_[0].slots = runtime_.threads();
    {
      std::lock_guard data(data_mutex_);
      directory_.drop_node(n);
    }
    pump(lock, to_send);  // the master may have gained slots
  }
  send_placed(to_send);
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

std::vector<rt::Backend::NodeSlotsView> Cluster::node_slots() {
  std::lock_guard lock(sched_mutex_);
  std::vector<NodeSlotsView> out;
  for (const sched::NodeSlots& n : slots_) out.push_back({n.id, n.name, n.slots, n.running, n.alive});
  return out;
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
