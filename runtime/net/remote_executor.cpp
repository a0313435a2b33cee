#include "net/remote_executor.hpp"

#include <compss/error.hpp>

namespace compss::net {

RemoteExecutor::RemoteExecutor(std::shared_ptr<Endpoint> worker) : worker_(std::move(worker)) {
  if (!worker_) throw Error("compss: RemoteExecutor needs a connected worker");
}

const Hello& RemoteExecutor::hello(std::chrono::milliseconds timeout) {
  if (!have_hello_) {
    Message m;
    throw_if_error(worker_->receive(m, timeout), "no hello from worker " + worker_->peer());
    const Hello* h = std::get_if<Hello>(&m);
    if (h == nullptr) throw Error("compss: worker " + worker_->peer() + " did not start with a hello");
    hello_ = *h;
    have_hello_ = true;
  }
  return hello_;
}

TaskDone RemoteExecutor::run(const TaskRequest& request, std::chrono::milliseconds timeout) {
  hello(timeout);
  std::string what = "task '" + request.signature + "' (id " + std::to_string(request.task_id) + ")";
  throw_if_error(worker_->send(request), "cannot send " + what + " to worker " + worker_->peer());
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    Message m;
    std::error_code ec = worker_->receive(m, std::max(left, std::chrono::milliseconds(0)));
    throw_if_error(ec, what + " on worker " + worker_->peer() + " got no answer");
    if (auto* d = std::get_if<TaskDone>(&m); d && d->task_id == request.task_id) return std::move(*d);
    if (auto* f = std::get_if<TaskFailed>(&m); f && f->task_id == request.task_id) {
      throw Error("compss: " + what + " failed on worker " + worker_->peer() + ": " +
                  f->exception_type + ": " + f->message);
    }
    // Anything else (a late answer to another request) is not ours: skip it.
  }
}

void RemoteExecutor::shutdown() noexcept {
  worker_->send(Shutdown{});
  worker_->close();
}

}  // namespace compss::net
