#include "core/runtime.hpp"

#include "core/access.hpp"
#include "core/trace_records.hpp"

#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace compss::rt {

namespace {
// (initial-exec: a plain load, not a call to __tls_get_addr: libcompss is never dlopen()ed.)
[[gnu::tls_model("initial-exec")]] thread_local bool tls_in_task = false;
/// What an observed submission builds for its events, reused: no allocation per task
/// (observers never submit tasks, so it is not in use twice on one thread). Initial-exec:
/// one load, not a call to __tls_get_addr per use (libcompss is never dlopen()ed).
struct EventScratch {
  std::vector<Dependency> dependencies;
  std::vector<DataAccess> data;
  std::vector<std::string_view> groups;  // outermost first
};
// Reached through a trivial pointer: a thread_local with a destructor is checked through
// its guard (a __tls_get_addr call) on every use.
[[gnu::tls_model("initial-exec")]] constinit thread_local EventScratch* tls_scratch_ptr = nullptr;
/// This thread's scratch (made on first use, freed when the thread ends).
EventScratch& tls_scratch() {
  if (tls_scratch_ptr != nullptr) [[likely]] return *tls_scratch_ptr;
  struct Owner {
    std::unique_ptr<EventScratch> scratch = std::make_unique<EventScratch>();
    ~Owner() { tls_scratch_ptr = nullptr; }
  };
  thread_local Owner owner;
  tls_scratch_ptr = owner.scratch.get();
  return *tls_scratch_ptr;
}
std::atomic<detail::SubmitHook> g_submit_hook{nullptr};
}  // namespace

bool in_task_flag() noexcept { return tls_in_task; }

InTaskScope::InTaskScope() noexcept : outer_(tls_in_task) { tls_in_task = true; }
InTaskScope::~InTaskScope() { tls_in_task = outer_; }
void set_hook(detail::SubmitHook h) noexcept { g_submit_hook.store(h); }

Runtime::Runtime(bool progress, const ExecutorFactory& make_executor, const BackendFactory& make_backend)
    : watchdog_([this](TaskBase* t, double time_out) { on_time_out(t, time_out); }) {
  executor_ = make_executor(*this);
  if (executor_ == nullptr) throw std::logic_error("Runtime: the executor factory made no executor");
  slot_key_ = executor_->slot_key();
  backend_ = make_backend(*this, *executor_);
  if (backend_ == nullptr) throw std::logic_error("Runtime: the backend factory made no backend");
  all_local_ = backend_->all_local();
  registry_.keep_identities(!all_local_);  // the cluster names workers' copies by them
  master_name_ = backend_->node_name(0);
  if (progress) {
    // The counts come from task events; what runs is capped by the run's task slots.
    auto counter = std::make_shared<ProgressCounter>(
        [this] { return backend_->running() + this->threads(); });
    events_.add(counter);
    progress_ = std::make_unique<ProgressLine>([counter] { return counter->counts(); }, stderr);
  }
}

Runtime::~Runtime() {
  wait_all();
  progress_.reset();
  backend_->shutdown();
  executor_->wait_idle();
  if (events_.any()) events_.notify(&TaskObserver::on_run_ended, RunEnded{event_now()});
  failures_.publish();
  std::lock_guard lock(registry_mutex_);
  registry_.clear();
}

namespace {
/// Observers all removed since submit() looked: an observed submission tells nobody.
const Observers::Snapshot no_observers;

/// Whether `s`'s ready is derived by the trace of `ev` (a local run, the trace its
/// submission was given to: submitted_ready_derived) and nobody else is told it: then
/// nothing is recorded nor called for it (notify_ready; finish, which skips the call).
inline bool derived_by_the_trace_alone(bool all_local, const Observers::Snapshot& ev,
                                       const TaskState& s) noexcept {
  return all_local && ev.others.empty() && s.ready_derived_by == ev.records;
}

/// Tells the end of the program's submission of a task at `end` (to the trace's records,
/// into `r` when it fits there, and to the other observers).
void tell_submission_end(const Observers::Snapshot& s, TraceRecord* r, EventTime end) noexcept {
  const bool in_record = r != nullptr && TraceRecords::submission_ended(r, end);
  if (!in_record && s.records != nullptr) s.records->activity(Activity::submission, false, end, s.tsc);
  if (!s.others.empty())
    Observers::notify_others(s, &TaskObserver::on_activity, RuntimeActivity{Activity::submission, false, end});
}
}  // namespace

template <bool observed>
void Runtime::submit_impl(TaskBase* t) {
  // Observed: the program's submission and its dependency analysis are activities (a task
  // that submits from inside a task is not the program's thread: not told).
  // Events a few instructions apart share a clock read: the submission and its analysis
  // begin at one time; the analysis and the submission end, the task is submitted (and,
  // with no predecessor, ready) at another. (The submission ends with its analysis, for
  // every observer alike: one read fewer; what follows, the task's preparation, its group,
  // the submit hook and making it ready, shows as the program's time: docs/traces.md. A
  // submission that throws ends then.)
  // An observer that reads the submission's begin and its analysis from the submitted
  // event (the trace, the monitor) is told only the submission's end as an activity.
  // The trace's records are written directly (core/trace_records.hpp), with counter
  // stamps while they alone read the times (Observers::Snapshot).
  const Observers::Snapshot* ev = nullptr;
  EventTime begun = 0;
  if constexpr (observed) {
    ev = events_.snapshot();
    if (ev == nullptr) ev = &no_observers;
    if (!tls_in_task) {
      begun = ev->now();
      if (ev->activities_read)
        Observers::notify_others(*ev, &TaskObserver::on_activity, RuntimeActivity{Activity::submission, true, begun});
    }
  }
  std::uint64_t untouched = 0;  // not all local: objects and files no unfinished task accessed
  // Observed: what it waits for: straight into the trace's buffer when the trace alone
  // observes (TraceRecords::open_submission), else a list (EventScratch).
  EdgeSink edges;
  TraceRecord* open = nullptr;  // the trace's submitted record, completed at the end
  bool told = false;            // told to observers by notify_submitted (not the trace's buffer)
  std::uint64_t links = 0;      // the edges this submission added (counted, not recorded)
  EventTime analysed = 0;
  // (A try block, not a guard object: nothing on the path that does not throw.)
  try {
    TaskState& state = task_state(t);
    state.id = next_id_.fetch_add(1, std::memory_order_relaxed);
    state.stream_task = has_stream_param(t->spec());
    // A constrained task that can never run fails at its call, as a failed task: the program
    // stops at its next synchronization, after running tasks end (local/constrained.hpp;
    // only when the executor enforces constraints: local runs).
    if (needs_placement(*t)) {
      if (auto why = executor_->never_fits(*t)) record_failure(*t, why->c_str());
    }
    inflight_.fetch_add(1, std::memory_order_relaxed);
    if constexpr (observed) {
      if (ev->records != nullptr && ev->others.empty()) {
        edges.records = ev->records->buffer();
        if (edges.records != nullptr) open = TraceRecords::open_submission(*edges.records, t->param_count_);
        if (open == nullptr) {
          edges.records = nullptr;  // (dropped, counted: no edge written)
        } else {
          edges.open(*edges.records);
        }
      } else {
        told = true;
        if (ev->dependencies_read) {
          edges.list = &tls_scratch().dependencies;
          edges.list->clear();
        }
      }
    }
    // (No observer reads them: the registry records none, only counts them: `links`.)
    const bool recording = observed && (edges.records != nullptr || edges.list != nullptr);
    {
      std::optional<ActivityScope> analysis;  // (ends after the lock is released)
      if constexpr (observed) {
        // (An observer that reads the activities is not the trace's records: event times.)
        if (begun != 0 && ev->activities_read) analysis.emplace(events_, Activity::dependency_analysis, begun);
      }
      std::unique_lock lock(registry_mutex_);
      {
        // (Unset also when an access throws: another thread's submission must not write here;
        // the edges written through the cursor are the buffer's before anything else is.)
        struct Unrecord {
          Registry* r;
          EdgeSink& edges;
          ~Unrecord() {
            if (r != nullptr) {
              r->record_dependencies(nullptr);
              edges.commit();
            }
          }
        } unrecord{recording ? &registry_ : nullptr, edges};
        if (recording) registry_.record_dependencies(&edges);
        if (observed && !recording) links = registry_.unrecorded_links();
        // (One loop per registry instance, chosen once: the plain one has no sink test, the
        // recording one writes the edges inline.)
        auto analyse = [&](auto recorded) {
          for (std::uint32_t i = 0; i < t->param_count_; ++i) {
            ParamDescriptor& p = t->params_[i];
            if (!all_local_ && i < 64 && p.key.tag != DataKey::Tag::none && registry_.idle_key(p.key)) {
              untouched |= std::uint64_t{1} << i;
            }
            if (p.key.tag != DataKey::Tag::none || p.elements != nullptr) {
              registry_.access<decltype(recorded)::value>(t, p);
            }
          }
        };
        if (recording) {
          analyse(std::true_type{});
        } else {
          analyse(std::false_type{});
        }
        if (observed && !recording) links = registry_.unrecorded_links() - links;
      }
      registry_.maybe_prune();
      if constexpr (observed) {
        lock.unlock();  // (the analysis ends with the registry's lock released, as before)
        analysed = ev->now();
        if (analysis) analysis->end_at(analysed);
      }
    }
    if (!all_local_) backend_->submitted(t, untouched);
    t->prepare();
    if (GroupState* g = current_group()) {
      task_state(t).group = g;
      join_group(g);
    }
    if (auto hook = g_submit_hook.load(std::memory_order_relaxed)) hook(*t);
  } catch (...) {
    if constexpr (observed) {
      if (begun != 0) tell_submission_end(*ev, nullptr, ev->now());
    }
    throw;
  }
  if constexpr (observed) {
    if (told) {
      static const std::vector<Dependency> none;
      TraceRecord* r = notify_submitted(*ev, t, edges.list != nullptr ? *edges.list : none, begun, analysed);
      if (begun != 0) tell_submission_end(*ev, r, analysed);
    } else if (open != nullptr && !edges.lost) {  // (its end in it: the same store)
      TraceRecords::close_submission(open, *edges.records, task_state(t).id,
                                     reinterpret_cast<std::uintptr_t>(&t->spec()), begun, analysed, ev->tsc,
                                     all_local_);
    } else if (begun != 0) {  // (withdrawn, or dropped: its end a record of its own)
      ev->records->activity(Activity::submission, false, analysed, ev->tsc);
    }
    // (In a local run that trace derives its ready, or dropped its submission, counted:
    // notify_ready records none there.)
    task_state(t).ready_derived_by = ev->records;
  }
  if (task_state(t).pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    // (With predecessors, they ended after the analysis: read the clock again, so that its
    // ready is not before their ends.)
    if constexpr (observed) notify_ready(*ev, t, edges.count + links == 0 ? analysed : 0);
    make_ready(t);
  }
}

void Runtime::submit(TaskBase* t) {
  // One relaxed load decides; the unobserved instance is the submission alone.
  if (events_.any()) {
    submit_impl<true>(t);
  } else {
    submit_impl<false>(t);
  }
}

void Runtime::make_ready(TaskBase* t) {
  if (!all_local_) {
    // Commutative data: the tokens before the placement. A task parked on a token then
    // holds no node's resources (it would keep them idle, and a task it waits for could
    // wait for them), and once it holds every token it is placed, its cores bound there:
    // leave() makes it ready again. (Locally, run_chain takes them after the placement,
    // and a parked task gives its placement back: local/local_node.cpp.)
    if (task_state(t).exclusive != nullptr && !try_enter(t)) return;
    backend_->ready(t);
  } else {
    executor_->spawn(t);
  }
}

void Runtime::execute_chain(TaskBase* t) noexcept { run_chain(t, false); }

TaskBase* Runtime::execute_one(TaskBase* t) noexcept { return run_chain(t, true); }

TaskBase* Runtime::run_chain(TaskBase* t, bool only_first) noexcept {
  while (t != nullptr) {
    // Commutative data: a task that can't take its tokens is parked, not blocked.
    if (task_state(t).exclusive != nullptr && !try_enter(t)) return nullptr;
    bool outer = tls_in_task;
    tls_in_task = true;
    if (!all_local_) {
      // Inputs that live on other nodes come here first.
      try {
        backend_->before_run(t);
      } catch (const std::exception& e) {
        record_failure(*t, e.what());
      }
    }
    bool ours = run_task(t);  // core/failure_policy.cpp
    tls_in_task = outer;
    if (!ours) return nullptr;  // timed out: the watchdog finished it
    t = finish(t);
    if (only_first) return t;
  }
  return nullptr;
}

TaskBase* Runtime::finish(TaskBase* t) noexcept {
  if (task_state(t).exclusive != nullptr) leave(t, *this);
  if (!all_local_) backend_->finished(t);  // before its successors read the directory
  // Finished before complete(): complete() releases the task's future, and the program,
  // woken by it, may submit a task on data this one read; that submission must see this
  // task finished (cluster runs: the program's writes after the wait become a new version,
  // else a worker reuses its old copy: e2e.distributed.main_writes, ~5% of runs before).
  mark_finished(t);
  t->complete();
  SuccessorList succ = take_successors(t);
  TaskBase* next = nullptr;
  const Observers::Snapshot* observed = events_.snapshot();
  succ.for_each([&](TaskBase* s) {
    if (task_state(s).pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // (Not called for a local trace alone that derives it: notify_ready.)
      if (observed != nullptr && !derived_by_the_trace_alone(all_local_, *observed, task_state(s)))
        notify_ready(*observed, s);
      if (!all_local_) {
        make_ready(s);  // every placement goes through the backend
      } else if (next == nullptr && !needs_placement(*s) && !task_state(s).stream_task) {
        next = s;
      } else {
        executor_->spawn(s);
      }
    }
  });
  delete succ.rest;
  if (void* g = task_state(t).group) leave_group(static_cast<GroupState*>(g));
  release_ref(t);
  if (inflight_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
      all_waiters_.load(std::memory_order_seq_cst) != 0) {
    inflight_.notify_all();
  }
  return next;
}

// ---- task events (core/events.hpp) ------------------------------------------------------

TraceRecord* Runtime::notify_submitted(const Observers::Snapshot& ev, const TaskBase* t,
                                       const std::vector<Dependency>& dependencies, EventTime submission_begin,
                                       EventTime time) noexcept {
  const std::uint64_t id = task_state(t).id;
  TraceRecord* begun = nullptr;
  if (ev.records != nullptr) {
    begun = ev.records->submitted(id, reinterpret_cast<std::uintptr_t>(&t->spec()), true, dependencies,
                                  submission_begin, time, ev.tsc, all_local_);
  }
  if (ev.others.empty()) return begun;
  try {
    EventScratch& scratch = tls_scratch();
    std::vector<DataAccess>& data = scratch.data;
    std::vector<std::string_view>& groups = scratch.groups;
    data.clear();
    groups.clear();
    if (ev.data_read) {  // (a trace alone reads neither)
      for (std::uint32_t i = 0; i < t->param_count_; ++i) {
        const ParamDescriptor& p = t->params_[i];
        const std::uint32_t collection = p.kind == detail::ParamKind::collection ? i + 1 : 0;
        if (collection != 0 && p.data_id != 0) {
          data.push_back({p.data_id, p.version, detail::Direction::in, collection});  // its shape
        }
        for_each_datum(p, [&](const ParamDescriptor& d) {
          if (d.data_id != 0) data.push_back({d.data_id, d.version, d.direction, collection});
        });
      }
      for (auto* g = static_cast<const GroupState*>(task_state(t).group); g != nullptr; g = g->parent)
        groups.insert(groups.begin(), g->name);
    }
    Observers::notify_others(ev, &TaskObserver::on_submitted,
                             TaskSubmitted{id, t->spec().name, dependencies, data, time, groups, &t->spec(),
                                           submission_begin});
  } catch (...) {
    // Out of memory building the event: observers miss it, the program goes on.
  }
  return begun;
}

void Runtime::notify_ready(const Observers::Snapshot& ev, const TaskBase* t, EventTime time) noexcept {
  // In a local run the trace its submission was given to derives its ready from the
  // records when it decodes them (its submitted record says so, submitted_ready_derived);
  // a trace installed since then has no submitted record of it: its ready is recorded.
  const TaskState& s = task_state(t);
  if (derived_by_the_trace_alone(all_local_, ev, s)) return;
  const bool derived = all_local_ && s.ready_derived_by == ev.records;  // (others are told)
  if (time == 0) time = ev.now();
  const std::uint64_t id = s.id;
  if (ev.records != nullptr && !derived) ev.records->ready(id, time, ev.tsc);
  if (!ev.others.empty()) Observers::notify_others(ev, &TaskObserver::on_ready, TaskReady{id, time});
}

void Runtime::notify_started(const TaskBase& t, const Allocation& where, EventTime time) noexcept {
  if (const Observers::Snapshot* ev = events_.snapshot()) notify_started(*ev, t, where, time, false);
}

void Runtime::notify_started(const Observers::Snapshot& ev, const TaskBase& t, const Allocation& where,
                             EventTime time, bool tsc) noexcept {
  const TaskState& s = task_state(t);
  if (ev.records != nullptr) ev.records->started(s.id, s.attempts, where, time, tsc);
  if (!ev.others.empty())
    Observers::notify_others(ev, &TaskObserver::on_started, TaskStarted{s.id, s.attempts, where, time, &t.spec()});
}

void Runtime::notify_ended(const TaskBase* t, TaskOutcome outcome, bool will_retry,
                           EventTime time, const TaskError* error, const StartStamp* started) noexcept {
  const Observers::Snapshot* ev = events_.snapshot();
  const TaskState& s = task_state(t);
  if (started != nullptr && (started->ev != ev || time != 0)) [[unlikely]] {
    // The observers changed while it ran: its start goes where it would have gone then
    // (the snapshot, and the records it names, are kept for the run: core/events.hpp).
    notify_started(*started->ev, *t, Allocation{0, master_name_, started->slot}, started->time, started->ev->tsc);
    started = nullptr;
  }
  if (ev == nullptr) return;
  bool tsc = false;
  if (time == 0) {
    time = ev->now();
    tsc = ev->tsc;
  }
  if (ev->records != nullptr) {
    if (started != nullptr) {  // (the same snapshot: both counter stamps, or both event times)
      ev->records->ran(s.id, s.attempts, Allocation{0, master_name_, started->slot}, started->time, outcome,
                       will_retry, time, tsc);
    } else {
      ev->records->ended(s.id, s.attempts, outcome, will_retry, time, tsc);
    }
  }
  if (ev->others.empty()) return;
  TaskEnded e{s.id, outcome, s.attempts, will_retry, time};
  e.name = t->spec().name;
  if (error != nullptr) {
    e.error_type = error->type;
    e.error_message = error->message;
    e.error_where = error->where;
  }
  Observers::notify_others(*ev, &TaskObserver::on_ended, e);
}

void Runtime::wait_tasks(std::vector<TaskBase*>& tasks) {
  for (TaskBase* t : tasks) {
    wait_finished(t);
    release_ref(t);
  }
  tasks.clear();
}

template <class Sync>
void Runtime::rethrowing_the_run_failure(Sync&& sync) {
  try {
    sync();
  } catch (const std::exception&) {
    // A version lost with its worker is not made again once the run failed (lineage):
    // the caller learns of the run's failure, not of that consequence.
    if (failed()) throw_if_failed();
    throw;
  }
}

void Runtime::wait_key(const DataKey& key, bool writers_only) {
  std::vector<TaskBase*> tasks;
  {
    std::lock_guard lock(registry_mutex_);
    registry_.collect(key, tasks, writers_only);
  }
  wait_tasks(tasks);
  if (attention_.load(std::memory_order_acquire)) failures_.throw_if_poisoned(key);
  if (all_local_) return;
  rethrowing_the_run_failure([&] {
    if (key.tag == DataKey::Tag::address) backend_->sync(key.address, true);
    if (key.tag == DataKey::Tag::file) backend_->sync_file(std::string(key.path));
  });
}


std::vector<DataAccess> Runtime::latest_versions(const DataKey& key) {
  std::vector<DataAccess> out;
  std::lock_guard lock(registry_mutex_);
  registry_.latest_versions(key, out);
  return out;
}

std::vector<DataAccess> Runtime::latest_versions(std::uintptr_t begin, std::size_t count,
                                                 std::size_t stride) {
  std::vector<DataAccess> out;
  std::lock_guard lock(registry_mutex_);
  registry_.latest_versions(begin, count, stride, out);
  return out;
}

void Runtime::wait_range(std::uintptr_t begin, std::size_t count, std::size_t stride) {
  std::vector<TaskBase*> tasks;
  {
    std::lock_guard lock(registry_mutex_);
    registry_.collect_range(begin, count, stride, tasks);
  }
  wait_tasks(tasks);
  if (attention_.load(std::memory_order_acquire)) failures_.throw_if_poisoned(begin, count, stride);
  if (!all_local_) rethrowing_the_run_failure([&] { backend_->sync_range(begin, begin + count * stride); });
}

void Runtime::wait_all() noexcept {
  if (inflight_.load(std::memory_order_seq_cst) == 0) return;
  all_waiters_.fetch_add(1, std::memory_order_seq_cst);
  for (;;) {
    std::int32_t n = inflight_.load(std::memory_order_seq_cst);
    if (n == 0) break;
    inflight_.wait(n, std::memory_order_seq_cst);
  }
  all_waiters_.fetch_sub(1, std::memory_order_relaxed);
}

void Runtime::record_failure(const TaskBase& task, const char* what) {
  std::lock_guard lock(failure_mutex_);
  if (failed_.load(std::memory_order_relaxed)) return;
  failed_task_ = task.spec().name;
  failed_id_ = task.id();
  failure_message_ = "task '" + failed_task_ + "' (id " + std::to_string(failed_id_) +
                     ") failed: " + (what != nullptr ? what : "");
  // attention_ first: whoever sees failed() (acquire) then sees attention_ too, so
  // cancelled_before_start (its relaxed read of attention_ after failed()) skips the task.
  attention_.store(true, std::memory_order_release);
  failed_.store(true, std::memory_order_release);
}

void Runtime::cancel(const std::string& why) {
  std::lock_guard lock(failure_mutex_);
  if (failed_.load(std::memory_order_relaxed)) return;
  failure_message_ = why;
  attention_.store(true, std::memory_order_release);  // (first: record_failure)
  failed_.store(true, std::memory_order_release);
}

void Runtime::throw_if_failed() {
  if (!failed_.load(std::memory_order_acquire)) return;
  // Let running tasks finish (no other task starts after a failure) before the caller
  // unwinds and destroys objects they may still be using. (A task never waits for all.)
  if (!tls_in_task) wait_all();
  std::lock_guard lock(failure_mutex_);
  throw Error(failure_message_, failed_task_, failed_id_);
}

std::size_t Runtime::registry_size() {
  std::lock_guard lock(registry_mutex_);
  return registry_.size();
}

// ---- lifecycle -----------------------------------------------------------------------

namespace {
std::atomic<Runtime*> g_runtime{nullptr};
std::mutex g_lifecycle;

// Stops a runtime that is still running at exit (when nobody called shutdown), unless
// tasks are still in flight (exit from inside a task): then it is left alone.
struct AtExit {
  ~AtExit() {
    Runtime* rt = g_runtime.load();
    if (rt != nullptr && !tls_in_task) {
      detail::shutdown_runtime();
    }
  }
} g_at_exit;
}  // namespace

Runtime* current_runtime() noexcept { return g_runtime.load(std::memory_order_acquire); }

Runtime& runtime() {
  Runtime* rt = g_runtime.load(std::memory_order_acquire);
  if (rt != nullptr) return *rt;
  std::lock_guard lock(g_lifecycle);
  rt = g_runtime.load(std::memory_order_relaxed);
  if (rt == nullptr) {
    rt = launch_runtime().release();
    g_runtime.store(rt, std::memory_order_release);
  }
  return *rt;
}

void install_runtime(std::unique_ptr<Runtime> runtime) {
  std::lock_guard lock(g_lifecycle);
  if (g_runtime.load(std::memory_order_relaxed) != nullptr) {
    throw std::logic_error("install_runtime: a runtime is already running");
  }
  g_runtime.store(runtime.release(), std::memory_order_release);
}

Runtime* take_runtime() noexcept {
  std::lock_guard lock(g_lifecycle);
  return g_runtime.exchange(nullptr, std::memory_order_acq_rel);
}

}  // namespace compss::rt
