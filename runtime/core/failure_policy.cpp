// How the runtime runs a task under its on_failure policy and time-out, skips cancelled
// tasks, and answers this_task::stop_requested(). See docs/failures.md.
#include "core/remote_deadline.hpp"
#include "core/runtime.hpp"
#include "core/thread_slot.hpp"
#include "core/trace_records.hpp"

#include <compss/detail/external_call.hpp>

#include <compss/exception.hpp>
#include <compss/this_task.hpp>

#include <cxxabi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <typeinfo>

namespace compss::rt {

namespace {
/// Retry: the first run and up to two more, on the same (local) node.
constexpr unsigned max_attempts = 3;

thread_local TaskBase* tls_task = nullptr;

struct CurrentTask {
  TaskBase* outer;
  explicit CurrentTask(TaskBase* t) noexcept : outer(tls_task) { tls_task = t; }
  ~CurrentTask() { tls_task = outer; }
};

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> s(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                                &std::free);
  return status == 0 && s ? std::string(s.get()) : std::string(name);
}

std::string task_label(const TaskBase& t) {
  return "task '" + std::string(t.spec().name) + "' (id " + std::to_string(t.id()) + ")";
}
}  // namespace

Runtime::Outcome Runtime::run_body_here(TaskBase* t, TaskError& err) noexcept {
  CurrentTask current(t);
  try {
    t->run();
    return Outcome::ok;
  } catch (const compss::Exception& e) {
    err = {"compss::Exception", e.what(), where_running()};
    return task_state(t).group != nullptr ? Outcome::group_exception : Outcome::failed;
  } catch (const std::exception& e) {
    err = {demangle(typeid(e).name()), e.what(), where_running()};
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    err = {type != nullptr ? demangle(type->name()) : "unknown", "unknown exception",
           where_running()};
  }
  return Outcome::failed;
}

bool Runtime::cancelled_before_start(TaskBase* t) noexcept {
  if (!attention_.load(std::memory_order_relaxed) || !skip_if_cancelled(t)) return false;
  if (events_.any()) notify_ended(t, TaskOutcome::cancelled, false, 0);
  return true;
}

Watchdog::Clock::time_point Runtime::begin_attempt(TaskBase* t) noexcept {
  return begin_attempt(t, attempt_time_out(*t));  // (a version's own)
}

Watchdog::Clock::time_point Runtime::begin_attempt(TaskBase* t, double time_out) noexcept {
  std::uint8_t& attempts = task_state(t).attempts;
  if (attempts < 255) ++attempts;  // before arming: the watchdog reads it
  if (time_out <= 0) return no_deadline;
  add_ref(t);  // the node must outlive a finish by the watchdog while the body runs
  auto deadline = Watchdog::Clock::now() + std::chrono::duration_cast<Watchdog::Clock::duration>(
                                               std::chrono::duration<double>(time_out));
  watchdog_.arm(t, deadline, time_out);
  return deadline;
}

bool Runtime::withdraw_attempt(TaskBase* t, Watchdog::Clock::time_point deadline) noexcept {
  if (deadline != no_deadline) {
    if (!watchdog_.disarm(t, deadline)) return false;  // expired: end_attempt settles it
    release_ref(t);  // begin_attempt's
  }
  std::uint8_t& attempts = task_state(t).attempts;
  if (attempts > 0) --attempts;
  return true;
}

bool Runtime::disarm_attempt(TaskBase* t, Watchdog::Clock::time_point& deadline, double time_out) noexcept {
  if (deadline == no_deadline) return true;
  if (!watchdog_.disarm(t, deadline)) {
    // Expired: the watchdog thread calls on_time_out for it now or soon. Claimed here
    // first, it ends timed out as there, but not counted abandoned: its body ended.
    FinishClaim none = FinishClaim::none;
    if (task_state(t).finish_claim.compare_exchange_strong(none, FinishClaim::late_answer,
                                                           std::memory_order_acq_rel)) {
      // (`stop` as the watchdog sets it: the cluster holds its node until the attempt ends.)
      task_state(t).stop.store(true, std::memory_order_release);
      end_timed_out(t, time_out, "it had not answered by then");
    }
    return false;
  }
  release_ref(t);  // begin_attempt's
  deadline = no_deadline;
  return true;
}

[[gnu::always_inline]] inline Runtime::AfterAttempt Runtime::apply_policy(TaskBase* t, Watchdog::Clock::time_point deadline,
                                            Outcome outcome, const TaskError& err) noexcept {
  bool deadline_passed = false;
  if (deadline != no_deadline) {
    deadline_passed = !watchdog_.disarm(t, deadline);
    FinishClaim claim = FinishClaim::none;
    if (deadline_passed && !task_state(t).finish_claim.compare_exchange_strong(
                               claim, FinishClaim::returned, std::memory_order_acq_rel)) {
      // The watchdog (or disarm_attempt, for a late answer) ended it timed out and
      // finished it: only the late return is left. (The watchdog counted it abandoned.)
      if (claim == FinishClaim::watchdog) abandoned_.fetch_sub(1, std::memory_order_acq_rel);
      release_ref(t);
      return AfterAttempt::abandoned;
    }
    release_ref(t);
  }
  switch (outcome) {
    case Outcome::ok:
      if (attention_.load(std::memory_order_relaxed)) failures_.clear_overwritten(*t);
      return AfterAttempt::finish;
    case Outcome::group_exception: {
      auto* g = static_cast<GroupState*>(task_state(t).group);
      raise_in_group(g, err.message, t->spec_->name, task_state(t).id);
      pay_attention();
      failures_.record(*t, "threw compss::Exception (group '" + g->name + "' cancelled)", err,
                       /*control_flow=*/true);
      // A deliberate signal, not a broken task: its outputs keep what it wrote; only a
      // Future result has no value.
      failures_.poison_outputs(*t, task_label(*t) + " threw compss::Exception: " + err.message,
                               true);
      return AfterAttempt::finish;
    }
    case Outcome::failed_not_retried:
      settle_failure(t, false, err);
      return AfterAttempt::finish;
    case Outcome::failed:
      if (t->spec_->on_failure == detail::OnFailure::retry && task_state(t).attempts < max_attempts &&
          !failed() && !deadline_passed) {
        // (After a deadline race the claim is taken: a further attempt could not time out.)
        return AfterAttempt::again;  // run it again
      }
      settle_failure(t, false, err);
      return AfterAttempt::finish;
  }
  return AfterAttempt::finish;
}

Runtime::AfterAttempt Runtime::end_attempt(TaskBase* t, Watchdog::Clock::time_point deadline,
                                           Outcome outcome, const TaskError& err,
                                           EventTime ended_at) noexcept {
  AfterAttempt after = apply_policy(t, deadline, outcome, err);
  if (after != AfterAttempt::abandoned && events_.any()) {
    // (Abandoned: the watchdog told the observers it timed out.)
    notify_ended(t, outcome == Outcome::ok ? TaskOutcome::success : TaskOutcome::failed,
                 after == AfterAttempt::again, ended_at, outcome == Outcome::ok ? nullptr : &err);
  }
  return after;
}

Runtime::AfterAttempt Runtime::run_observed_attempt(TaskBase* t, Watchdog::Clock::time_point deadline,
                                                    const Observers::Snapshot& ev) noexcept {
  // Traced alone, an attempt that cannot time out has its start written with its end, in
  // one record (with a time-out, the watchdog may tell the end from its own thread).
  // (Kept by our executor: read inline. Otherwise asked, which also begins keeping them.)
  const unsigned slot = thread_slot.of == slot_key_ ? thread_slot.slot : executor_->current_slot();
  const EventTime now = ev.now();
  const bool with_end = deadline == no_deadline && ev.trace_alone;
  const StartStamp start{&ev, now, slot};
  if (!with_end) notify_started(ev, *t, Allocation{0, master_name_, slot}, now, ev.tsc);
  TaskError err;
  const Outcome outcome = run_body_here(t, err);
  if (!with_end) return end_attempt(t, deadline, outcome, err);
  const AfterAttempt after = apply_policy(t, deadline, outcome, err);  // (no deadline: never abandoned)
  const TaskOutcome told = outcome == Outcome::ok ? TaskOutcome::success : TaskOutcome::failed;
  if (events_.snapshot() == &ev) [[likely]] {
    // The same observers as at its start, the trace alone (its error is for other
    // observers only): its record written here, inline, with no call to notify_ended.
    const TaskState& s = task_state(t);
    ev.records->ran_here(s.id, s.attempts, slot, now, told, after == AfterAttempt::again, ev.now(), ev.tsc,
                         master_name_);
    return after;
  }
  notify_ended(t, told, after == AfterAttempt::again, 0, outcome == Outcome::ok ? nullptr : &err, &start);
  return after;
}

bool Runtime::run_task(TaskBase* t) noexcept {
  if (cancelled_before_start(t)) return true;
  for (;;) {
    Watchdog::Clock::time_point deadline = begin_attempt(t);
    AfterAttempt after;
    if (const Observers::Snapshot* ev = events_.snapshot()) {
      after = run_observed_attempt(t, deadline, *ev);
    } else {
      TaskError err;
      Outcome outcome = run_body_here(t, err);
      after = end_attempt(t, deadline, outcome, err);
    }
    switch (after) {
      case AfterAttempt::finish: return true;
      case AfterAttempt::abandoned: return false;
      case AfterAttempt::again: continue;
    }
  }
}

void Runtime::settle_failure(TaskBase* t, bool timed_out, const TaskError& err) noexcept {
  pay_attention();
  const char* status = timed_out ? "timed out" : "failed";
  std::string origin = task_label(*t) + " " + status + ": " + err.message;
  try {
    switch (t->spec_->on_failure) {
      case detail::OnFailure::retry:
      case detail::OnFailure::fail:
        failures_.record(*t, std::string(status) + ", the application stops", err);
        record_failure(*t, err.message.c_str());
        break;
      case detail::OnFailure::cancel_successors:
        failures_.record(*t, std::string(status) + ", successors cancelled", err);
        failures_.poison_outputs(*t, origin, false);
        break;
      case detail::OnFailure::ignore:
        if (t->set_default_result()) {  // on_failure(ignore, returns=...)
          failures_.record(*t, std::string(status) + ", ignored, default result", err);
          break;
        }
        failures_.record(*t, std::string(status) + ", ignored", err);
        failures_.poison_outputs(*t, origin, true);  // a Future result has no value to keep
        break;
    }
  } catch (...) {
    // Out of memory while reporting: stop the application rather than lose the failure.
    record_failure(*t, err.message.c_str());
  }
}

bool Runtime::skip_if_cancelled(TaskBase* t) noexcept {
  try {
    std::string reason;
    bool poison = true;         // readers of its outputs are cancelled too
    bool result_only = false;   // only the Future result has no value
    bool control_flow = false;  // its group's compss::Exception cancelled it
    if (failed()) {
      std::lock_guard lock(failure_mutex_);
      reason = "not started: the application is stopping (" + failure_message_ + ")";
      poison = false;
    } else if (auto* g = static_cast<GroupState*>(task_state(t).group);
               g != nullptr && group_cancelled(g)) {
      reason = group_cancel_reason(g);
      result_only = true;  // outside the group, its other outputs keep their values
      control_flow = true;
    } else if (failures_.reads_poisoned(*t, reason)) {
      reason = "reads a value that was never produced: " + reason;
    } else {
      return false;
    }
    failures_.record(*t, "cancelled", TaskError{"", reason, "not started"}, control_flow);
    if (poison) failures_.poison_outputs(*t, task_label(*t) + " was cancelled", result_only);
  } catch (...) {
    record_failure(*t, "out of memory while cancelling");
  }
  return true;
}

void Runtime::on_time_out(TaskBase* t, double time_out) noexcept {
  FinishClaim none = FinishClaim::none;
  if (!task_state(t).finish_claim.compare_exchange_strong(none, FinishClaim::watchdog,
                                                          std::memory_order_acq_rel)) {
    return;  // it returned, or its late answer was heard
  }
  task_state(t).stop.store(true, std::memory_order_release);
  abandoned_.fetch_add(1, std::memory_order_acq_rel);
  // (The same words wherever it runs, a worker's thread too: the report's place says where.)
  end_timed_out(t, time_out, "its thread still runs it");
}

void Runtime::end_timed_out(TaskBase* t, double time_out, const char* why) noexcept {
  // Where it ran: another node (the backend placed it there), else this process.
  const bool remote = !all_local_ && task_state(t).node > 0;
  std::string where = "localhost";
  char text[96];
  try {
    if (remote) where = backend_->node_name(task_state(t).node);
  } catch (...) {
    where = "a worker";  // (out of memory: the report still says it left this process)
  }
  std::snprintf(text, sizeof text, "timed out after %g s (time_out); %s", time_out, why);
  const TaskError error{"compss::TimeOut", text, std::move(where)};
  settle_failure(t, true, error);
  if (events_.any()) notify_ended(t, TaskOutcome::timed_out, false, 0, &error);
  if (TaskBase* next = finish(t)) make_ready(next);
}

void Runtime::exit_if_abandoned(int code) noexcept {
  wait_all();
  // (Read once: a late return may still end one, and the line must tell what was decided.)
  const std::int32_t still = abandoned();
  if (still <= 0) return;
  // A timed-out task's thread cannot be killed, and the executor would wait for it: end
  // the process here, after the report (and the observers' files: the graph, the summary).
  if (events_.any()) events_.notify(&TaskObserver::on_run_ended, RunEnded{event_now()});
  failures_.publish();
  std::fprintf(stderr, "compss: %d timed-out task(s) still running: exiting without them\n",
               static_cast<int>(still));
  std::cout.flush();
  std::fflush(nullptr);
  // Workers are told the run is over (Shutdown): those running a timed-out task leave it
  // and end too, and none takes this exit for a lost master. (Not waiting for them: one
  // whose slots are all in such tasks reads it once this process's connections close.)
  backend_->tell_run_ended();
  detail::kill_external_programs();  // a timed-out binary/MPI task's programs: no orphans
  std::_Exit(code);
}

}  // namespace compss::rt

namespace compss::detail {

bool task_stop_requested() noexcept {
  TaskBase* t = rt::tls_task;
  if (t == nullptr) return rt::remote_deadline_passed();  // (a worker's body: the master's deadline)
  const rt::TaskState& s = rt::task_state(t);
  if (s.stop.load(std::memory_order_acquire)) return true;
  if (s.group != nullptr && rt::group_cancelled(static_cast<rt::GroupState*>(s.group))) return true;
  rt::Runtime* r = rt::current_runtime();
  return r != nullptr && r->failed();
}

}  // namespace compss::detail
