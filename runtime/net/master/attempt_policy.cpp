#include "net/master/attempt_policy.hpp"

namespace compss::net {

namespace {
constexpr const char* data_missing = "compss::DataMissing";
}  // namespace

std::chrono::milliseconds AttemptPolicy::missing_pause(int tries_so_far) {
  return std::chrono::milliseconds(20 * (tries_so_far % 10 + 1));
}

AnswerStep AttemptPolicy::on_answer(AttemptHistory& h, const CallResult& r, const From& from) const {
  AnswerStep step;
  switch (r.status) {
    case CallResult::Status::done:
      step.kind = AnswerStep::Kind::record_outputs;
      return step;
    case CallResult::Status::failed:
      if (r.failed.exception_type == data_missing && h.missing_tries < limits_.max_missing_tries) {
        // A peer it fetched from went away (or a global's value it no longer keeps): once
        // the master notices, the data is found (or made again) elsewhere.
        step.kind = AnswerStep::Kind::resend_after_pause;
        step.pause = missing_pause(h.missing_tries++);
        h.keep_missing_tries = true;  // (its next placement is only the end of the pause)
        return step;
      }
      if (from.retry_elsewhere) h.avoid = from.node;
      // A compss::Exception thrown on a worker cancels the task's group as it does locally.
      step.kind = r.failed.exception_type == "compss::Exception" && from.in_group
                      ? AnswerStep::Kind::fail_group
                      : AnswerStep::Kind::fail;
      step.error = {r.failed.exception_type, r.failed.message, from.worker_name};
      return step;
    case CallResult::Status::lost:
      if (r.was_running) {
        h.killed_workers.push_back("worker " + std::to_string(from.node) + " (" + from.worker_name +
                                   "): " + r.why);
        if (h.killed_workers.size() >= limits_.max_workers_killed) {
          std::string workers;
          for (const std::string& w : h.killed_workers) workers += (workers.empty() ? "" : "; ") + w;
          step.kind = AnswerStep::Kind::fail_not_retried;
          step.error = {"compss::WorkerLost",
                        "its worker died while running it, " +
                            std::to_string(limits_.max_workers_killed) + " times (" + workers +
                            "); not run again: the task itself likely kills its worker (a crash, "
                            "SIGKILL, out of memory)",
                        workers};
          return step;
        }
      }
      // Lost with its worker: it runs again on another node, which is not a failure. A send
      // that failed before the receiver saw the connection end waits until it has.
      step.kind = AnswerStep::Kind::place_elsewhere;
      step.avoid = from.node;
      if (from.link_alive) step.pause = limits_.lost_notice_pause;
      return step;
  }
  return step;
}

void AttemptPolicy::placed_again(AttemptHistory& h) const noexcept {
  if (!h.keep_missing_tries) h.missing_tries = 0;
  h.keep_missing_tries = false;
}

bool AttemptPolicy::resend_replica(const std::string& exception_type, int tries_so_far) const noexcept {
  return exception_type == data_missing && tries_so_far < limits_.max_missing_tries;
}

}  // namespace compss::net
