#include "net/cluster.hpp"

#include "core/access.hpp"
#include "core/runtime.hpp"
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/master/data_plane.hpp"
#include "net/master/worker_data_links.hpp"
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

using detail::TaskBase;

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
  // (Before any worker is admitted: a link may report its loss at once.)
  data_links_ = std::make_unique<WorkerDataLinks>(runtime_, links_, *fetcher_, *remote_events_,
                                                  [this] { return choose_live_worker(-1); });
  data_ = std::make_unique<DataPlane>(*data_links_, config_.log_level);
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
  return data_->claim(t);
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
    if (locality) data_->add_input_bytes(*t, bytes);  // (data lock after sched lock)
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
    // Ran on the master, in place: what it wrote is a new version only the master has.
    if (t->node <= 0) data_->wrote_on_master(t);
    // A remote task that timed out still holds its worker's slot: free_held_slot frees
    // it when the worker answers.
    const bool held = t->node > 0 && t->stop.load(std::memory_order_acquire);
    if (t->node >= 0 && !held) free_held_slot(t);
  } catch (...) {
    runtime_.cancel("compss: out of memory in the scheduler");
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
    if (!data_->build_request(t, n, std::get<TaskRequest>(*message), may_block)) {
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
  if (r.status != CallResult::Status::lost) {
    data_->globals_received(*t, n, std::get<TaskRequest>(*sent));  // it received them
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
        data_->record_outputs(t, n, record_of(sent), r.done);
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
        data_->globals_missing(*t, n);
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
    if (stopping_) return;
    std::fprintf(stderr, "compss: worker %d (%s) lost: %s; its tasks run again elsewhere\n", n,
                 s.name.c_str(), why.c_str());
    // (Its tasks in flight come back as `lost` answers and are moved one by one.)
    bool any = false;
    for (std::size_t i = 1; i < slots_.size(); ++i) any |= slots_[i].alive;
    if (!any && slots_[0].slots == 0) slots_[0].slots = runtime_.threads();
    data_->node_lost(n);  // (data lock after sched lock)
    pump(lock, to_send);  // the master may have gained slots
  }
  send_placed(to_send);
}

void Cluster::submitted(TaskBase* t, std::uint64_t untouched) { data_->submitted(t, untouched); }

void Cluster::before_run(TaskBase* t) {
  if (t->node > 0) return;  // (on the master: node 0, or -1 before placement)
  data_->before_run(t);
}

void Cluster::sync(std::uintptr_t address, bool user_may_write) { data_->sync(address, user_may_write); }

void Cluster::sync_range(std::uintptr_t begin, std::uintptr_t end) { data_->sync_range(begin, end); }

void Cluster::sync_all() { data_->sync_all(); }

void Cluster::sync_file(const std::string& path) { data_->sync_file(path); }

void Cluster::forget(std::uintptr_t address) noexcept { data_->forget(address); }

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
