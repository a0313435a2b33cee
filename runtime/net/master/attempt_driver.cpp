// AttemptDriver (net/master/attempt_driver.hpp): the dispatch steps of a remote attempt,
// moved from net::Cluster as they were.
#include "net/master/attempt_driver.hpp"

#include "core/task_state.hpp"
#include "net/attempt_files.hpp"
#include "net/master/output_load.hpp"
#include "net/master/remake_order_hook.hpp"

#include <compss/detail/task_node.hpp>

#include <cstdio>
#include <optional>

namespace compss::net {

using detail::TaskBase;

void AttemptDriver::remake_then_place(std::shared_ptr<Call> call,
                                std::vector<std::pair<std::uint64_t, std::uint64_t>> lost) {
  if (ended_as_run_failed(call)) return;
  try {
    data_.make_available(lost);  // (blocks: each remake waits for a node that fits it)
  } catch (const std::exception& e) {  // its inputs cannot be made again
    // (Or the run failed while they were made, which stopped them: skipped, not failed.)
    if (ended_as_run_failed(call)) return;
    conclude(std::move(call), rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
    return;
  }
  TaskBase* t = call->task;
  moving_.park(t, std::move(call));
  cluster_.place(t);
}

void AttemptDriver::replace(std::shared_ptr<Call> call, int avoid) {
  TaskBase* t = call->task;
  cluster_.release_placement(t, call->node);
  moving_.park(t, std::move(call));
  cluster_.place(t, avoid);
}

bool AttemptDriver::ended_as_run_failed(std::shared_ptr<Call>& call) {
  if (!runtime_.failed()) return false;
  // Another task failed: no task starts any more, so this attempt is not sent (nor its
  // inputs made again): skipped as a task that has not started, reported cancelled.
  if (!withdrawn(call)) return true;
  TaskBase* t = call->task;
  if (runtime_.cancelled_before_start(t)) {
    runtime_.finish(t);  // (finished() gives back the placement task_state(t).node holds, if any)
    rt::release_ref(t);  // start()'s
    return true;
  }
  // (Not seen as cancelled: it goes on as usual, its attempt begun again.)
  call->deadline = runtime_.begin_attempt(t);
  call->armed_for = t->implementation;
  return false;
}

bool AttemptDriver::withdrawn(std::shared_ptr<Call>& call) {
  TaskBase* t = call->task;
  if (runtime_.withdraw_attempt(t, call->deadline)) return true;
  // Timed out before it could run: it ends timed out, as the watchdog ends it.
  runtime_.disarm_attempt(t, call->deadline, rt::time_out_of(*t, call->armed_for));
  conclude(std::move(call), rt::Runtime::Outcome::ok, {});  // (abandoned)
  return false;
}

void AttemptDriver::start(TaskBase* t, int n, unsigned computing_units, unsigned gpus, rt::EventTime placed_at) {
  rt::add_ref(t);  // until the last answer: a timed-out task is finished by the watchdog
  if (runtime_.cancelled_before_start(t)) {
    runtime_.finish(t);  // (finished() gives its reservation back)
    rt::release_ref(t);
    return;
  }
  auto call = std::make_shared<Call>();
  call->task = t;
  call->node = n;
  call->computing_units = computing_units;
  call->gpus = gpus;
  call->placed_at = placed_at;
  call->deadline = runtime_.begin_attempt(t);
  call->armed_for = t->implementation;
  send(std::move(call), false);
}

bool AttemptDriver::resume(TaskBase* t, int n, unsigned computing_units, unsigned gpus, rt::EventTime placed_at) {
  std::shared_ptr<Call> call = moving_.take(t);
  if (call == nullptr) return false;
  call->node = n;
  // The run failed while it moved (its inputs made again, a pause, a retry): not sent.
  // (On the master's node it goes on: run_on_master's executor skips it, as any task.)
  if (n > 0) {
    rt::task_state(t).node = n;  // (the skipped call's placement: given back by finished())
    if (ended_as_run_failed(call)) return true;
  }
  call->placed_at = placed_at;
  attempts_.placed_again(call->history);
  call->computing_units = computing_units;
  call->gpus = gpus;
  if (call->armed_for != t->implementation && runtime_.withdraw_attempt(t, call->deadline)) {
    // Placed again with another version: its own time_out counts from now.
    call->deadline = runtime_.begin_attempt(t);
    call->armed_for = t->implementation;
  }
  send(std::move(call), false);
  return true;
}

void AttemptDriver::send(std::shared_ptr<Call> call, bool may_block) {
  TaskBase* t = call->task;
  const int n = call->node;
  rt::task_state(t).node = n;
  if (n <= 0) {
    // Placed on the master (a retry, or no worker left): it runs there as any master
    // task does, on the executor, its attempt begun here withdrawn (unless it already
    // timed out).
    if (!withdrawn(call)) return;
    rt::release_ref(t);  // start()'s; the task's own reference lasts until it finishes
    cluster_.run_on_master(t, call->computing_units, call->gpus, call->placed_at);
    return;
  }
  if (rt::task_state(t).stop.load(std::memory_order_acquire)) {
    // Timed out while it waited on the lane: not sent at all.
    conclude(std::move(call), rt::Runtime::Outcome::ok, {});
    return;
  }
  RemoteExecutor& worker = cluster_.worker(n);
  BuiltRequest built;
  try {
    built = worker.build_request(t, may_block, /*check_lost=*/true);
  } catch (const std::exception& e) {  // its inputs cannot be found or made again
    // (Or the run failed while they were made, which stopped them: skipped, not failed.)
    if (ended_as_run_failed(call)) return;
    conclude(call, rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"});
    return;
  }
  if (built.request == nullptr) {
    if (!built.lost.empty()) {
      // Inputs lost with their workers are made again through the scheduler (lineage),
      // on the lane: this task gives its node back first and is placed again after, so
      // tasks that wait for remakes (or wait on the lane behind them) never hold the
      // resources the remakes wait for.
      remake_order_hook::at("lost inputs");
      cluster_.release_placement(t, n);
      call->placed_at = 0;  // (given back before it started: not told)
      if (may_block) {
        remake_then_place(std::move(call), std::move(built.lost));
      } else {
        cluster_.post([this, call, lost = std::move(built.lost)] { remake_then_place(call, lost); });
      }
      return;
    }
    cluster_.post([this, call] { send(call, true); });  // (an input to fetch first)
    return;
  }
  if (!cluster_.gang_may_start(t, n)) {  // placed over a node lost meanwhile: not an attempt
    attempt_files::remove_private_files(std::get<TaskRequest>(*built.request));  // (never sent)
    replace(std::move(call), -1);
    return;
  }
  if (rt::task_state(t).stop.load(std::memory_order_acquire)) {
    // Timed out while its request was built (it may wait on the lane): not sent, and
    // neither `placed` nor `started` told after the watchdog's `ended`.
    attempt_files::remove_private_files(std::get<TaskRequest>(*built.request));  // (never sent)
    conclude(std::move(call), rt::Runtime::Outcome::ok, {});
    return;
  }
  if (call->placed_at != 0) {
    // Its inputs found, it starts here: its placement is told now, once (not when it was
    // placed, as it may give the node back before it starts). (A time-out firing between
    // the check above and here can still tell `ended` before this `placed`: a window of a
    // few instructions, seen only by task events.)
    runtime_.notify_placed(*t, n, call->computing_units, call->placed_at);
    call->placed_at = 0;
  }
  RemoteRun run{call->computing_units, call->gpus, cluster_.gang_hosts(t, n), {}, time_left_ms(call->deadline)};
  call->sent_at = runtime_.observed() ? rt::event_now() : 0;
  if (call->sent_at != 0 && rt::attempt_time_out(*t) > 0) {
    // Its time-out may end it before the worker answers (the watchdog tells `ended`):
    // `started` is told now, at the send, so it never misses or follows that end.
    runtime_.notify_started(*t, rt::Allocation{n, cluster_.worker(n).link().name(), 0},
                            call->sent_at);
    call->started_told = true;
  }
  const TaskRequest& request = std::get<TaskRequest>(*built.request);
  unanswered_.sent(&request, request);  // (its answer, or a lost link's end, forgets it)
  worker.send_task(*t, std::move(built.request), std::move(run),
                   [this, call, n](const SentRequest& sent, CallResult&& r) { answered(call, n, sent, std::move(r)); });
}

void AttemptDriver::answered(std::shared_ptr<Call> call, int n, const SentRequest& sent,
                       CallResult&& r) {
  TaskBase* t = call->task;
  // The files the attempt wrote at its private paths (net/attempt_files.hpp) are
  // moved into place only when its outputs are recorded; any other end removes them (a
  // resend or a retry names new ones).
  const TaskRequest* request = sent != nullptr ? std::get_if<TaskRequest>(sent.get()) : nullptr;
  unanswered_.answered(request);
  attempt_files::RemovedUnlessKept files(request);
  // (The data plane heard that the worker received the request's globals: send_task.)
  // Timed out meanwhile (time_out): its policy was applied and it was finished; what it
  // made is discarded, as for a local task. The worker stored it under the numbers the
  // master named: released there, never read as another attempt's (or the datum's) value.
  if (rt::task_state(t).stop.load(std::memory_order_acquire)) {
    if (r.status == CallResult::Status::done) {
      try {
        data_.discard_late_outputs(n, *record_of(sent), r.done);
      } catch (...) {
        // (Out of memory: the copies stay on that worker, unnamed, until it is released.)
      }
    } else {
      discard_failed_writes(n, sent, r);
    }
    conclude(std::move(call), rt::Runtime::Outcome::ok, {});
    return;
  }
  rt::EventTime ended_at = 0;  // task events: started and transfers told, the end returned
  if (call->sent_at != 0 && r.status != CallResult::Status::lost) {
    const WorkerTimes& times = r.status == CallResult::Status::done ? r.done.times : r.failed.times;
    ended_at = runtime_.answered(*t, n, std::get<TaskRequest>(*sent), times, call->sent_at,
                                        rt::event_now(), call->started_told);
  }
  const AnswerStep step = attempts_.on_answer(
      call->history, r,
      {n, cluster_.worker(n).link().name(), t->spec().on_failure == detail::OnFailure::retry,
       rt::task_state(t).group != nullptr, cluster_.worker(n).link().alive()});
  switch (step.kind) {
    case AnswerStep::Kind::record_outputs:
      if (!record_answer_outputs(call, n, sent, r.done, files)) return;
      conclude(std::move(call), rt::Runtime::Outcome::ok, {}, ended_at);
      return;
    case AnswerStep::Kind::resend_after_pause: {
      // (Or a global's value it no longer keeps: the resend carries it inline.)
      data_.globals_missing(*t, n);
      // The pause is a timer; the resend goes through the lane (it may have to wait for
      // the data to be found or made again).
      // A gang runs nowhere during the pause: a loss now must not drop its (healthy)
      // first worker; the resend checks its nodes again (gang_may_start re-records it).
      cluster_.gang_paused(t);
      // Its node is given back during the pause (a resend may wait on the lane behind
      // remakes that wait for nodes), and it is placed again after it.
      cluster_.release_placement(t, n);
      cluster_.on_timer(step.pause, [this, call] {
        moving_.park(call->task, call);
        cluster_.place(call->task);
      });
      return;
    }
    case AnswerStep::Kind::fail_group:
      // compss::Exception in a group: what the body wrote stays, as locally (the
      // program's handler reads it), each file a new master-held version. Disk work: on
      // the lane, never on this link's receiver; the attempt ends there after it.
      if (const TaskRequest* request = std::get_if<TaskRequest>(sent.get())) {
        // Disarmed first, as before a record: a time-out firing while the lane keeps them
        // would let successors run, then see this task's files moved over theirs.
        if (!runtime_.disarm_attempt(t, call->deadline, rt::time_out_of(*t, call->armed_for))) {
          conclude(std::move(call), rt::Runtime::Outcome::ok, {});  // (abandoned: it timed out)
          return;  // (its private files removed, `files`)
        }
        files.keep();  // (moved, or removed, on the lane)
        std::optional<TaskFailed> failed;
        if (r.status == CallResult::Status::failed) failed = std::move(r.failed);
        cluster_.post([this, call, n, sent, request, failed = std::move(failed), error = step.error,
                       ended_at] { keep_group_writes(call, n, *request, failed ? &*failed : nullptr, error, ended_at); });
        return;
      }
      [[fallthrough]];
    case AnswerStep::Kind::fail:
      if (step.kind == AnswerStep::Kind::fail && keeps_failed_writes(*t, r)) {
        // on_failure(ignore): its successors read what the body wrote before it threw, as
        // in a local run; the worker sent those values with the failure.
        TaskDone wrote = take_ignored_writes(r);
        if (!record_answer_outputs(call, n, sent, wrote, files, /*ignored_failure=*/true)) return;
      } else {
        // (Writes of a version whose policy is ignore, not this task's: they do not stand.)
        discard_failed_writes(n, sent, r);
      }
      conclude(std::move(call),
               step.kind == AnswerStep::Kind::fail_group ? rt::Runtime::Outcome::group_exception
                                                         : rt::Runtime::Outcome::failed,
               step.error, ended_at);
      return;
    case AnswerStep::Kind::fail_not_retried:
      conclude(std::move(call), rt::Runtime::Outcome::failed_not_retried, step.error);
      return;
    case AnswerStep::Kind::place_elsewhere:
      if (step.pause.count() > 0) {
        cluster_.after(step.pause, [this, call, avoid = step.avoid] { replace(call, avoid); });
        return;
      }
      replace(std::move(call), step.avoid);
      return;
  }
}

void AttemptDriver::discard_failed_writes(int n, const SentRequest& sent, CallResult& r) {
  // (A failure carries outputs when an on_failure(ignore) body wrote before it threw.)
  if (!carries_ignored_writes(r)) return;
  try {
    data_.discard_late_outputs(n, *record_of(sent), take_ignored_writes(r));
  } catch (...) {  // (out of memory: the copies stay on that worker, unnamed)
  }
}

bool AttemptDriver::keeps_failed_writes(const TaskBase& t, const CallResult& r) {
  return t.spec().on_failure == detail::OnFailure::ignore && carries_ignored_writes(r);
}

bool AttemptDriver::record_answer_outputs(std::shared_ptr<Call>& call, int n, const SentRequest& sent,
                                          TaskDone& done, attempt_files::RemovedUnlessKept& files,
                                          bool ignored_failure) {
  TaskBase* t = call->task;
  // The deadline is disarmed before the record (the watchdog sets `stop` without a lock
  // of ours): a time-out cannot then end the task as timed out while its outputs are
  // recorded. Expired already: the task ends timed out (as the watchdog ends it), and its
  // outputs are released as a late answer's.
  if (!runtime_.disarm_attempt(t, call->deadline, rt::time_out_of(*t, call->armed_for))) {
    try {
      data_.discard_late_outputs(n, *record_of(sent), done);
    } catch (...) {  // (out of memory: the copies stay on that worker, unnamed)
    }
    conclude(std::move(call), rt::Runtime::Outcome::ok, {});  // (abandoned: it timed out)
    return false;
  }
  if (auto failure = output_load_error([&] { data_.record_outputs(t, n, record_of(sent), done, ignored_failure); })) {
    conclude(std::move(call), failure->outcome, std::move(failure->error));
    return false;
  }
  files.keep();
  return true;
}

void AttemptDriver::keep_group_writes(std::shared_ptr<Call> call, int n, const TaskRequest& request,
                                      const TaskFailed* failed, const rt::TaskError& error,
                                      rt::EventTime ended_at) {
  TaskBase* t = call->task;
  std::vector<std::string> lost;
  try {
    lost = data_.keep_group_exception_writes(t, n, request, failed);
  } catch (const std::exception& e) {  // (in place, but its copies elsewhere not superseded)
    conclude(std::move(call), rt::Runtime::Outcome::failed_not_retried, {"compss::Error", e.what(), "master"},
             ended_at);
    return;
  }
  for (const std::string& e : lost) {
    std::fprintf(stderr, "compss: WARNING: task %s raised compss::Exception; a file it wrote is lost: %s\n",
                 std::string(t->spec().name).c_str(), e.c_str());
  }
  conclude(std::move(call), rt::Runtime::Outcome::group_exception, error, ended_at);
}

void AttemptDriver::conclude(std::shared_ptr<Call> call, rt::Runtime::Outcome outcome,
                       const rt::TaskError& err, rt::EventTime ended_at) {
  TaskBase* t = call->task;
  // Stream parameters close or commit by how the attempt went (a failed producer's error).
  t->attempt_ended(outcome == rt::Runtime::Outcome::ok ? nullptr : err.message.c_str());
  switch (runtime_.end_attempt(t, call->deadline, outcome, err, ended_at)) {
    case rt::Runtime::AfterAttempt::finish:
      runtime_.finish(t);  // gives back its reservation (finished) and readies successors
      break;
    case rt::Runtime::AfterAttempt::again:
      call->deadline = runtime_.begin_attempt(t);
      call->armed_for = t->implementation;
    {
      const int avoid = call->history.avoid;
      replace(std::move(call), avoid);  // placed again, elsewhere when it can
    }
      return;
    case rt::Runtime::AfterAttempt::abandoned:
      // Finished when it timed out; its reservation was kept until now. (Its answer came
      // after the deadline, claimed first: no restart was awaited, disarm_attempt.)
      if (rt::timed_out_running(t)) cluster_.returned_after_time_out(t);
      if (call->node > 0) cluster_.release_placement(t, call->node);
      break;
  }
  rt::release_ref(t);
}

}  // namespace compss::net
