// Who runs a task's body: the task itself (locally), or, on a master-worker run, a runner
// that sends it to a worker. The failure policies (core/failure_policy.cpp) call the body
// through here, so retries, time-outs and `ignore` work the same on every node.
#pragma once

#include <compss/detail/task_node.hpp>

#include <stdexcept>
#include <string>

namespace compss::rt {

/// Runs task bodies elsewhere; installed per thread by the cluster's dispatch threads.
class TaskBodyRunner {
 public:
  virtual ~TaskBodyRunner() = default;
  /// Runs the body of `t` (throws what the body threw, or RemoteTaskError).
  virtual void run_body(detail::TaskBase* t) = 0;
};

/// The runner of the calling thread, or nullptr: the task runs in this process.
TaskBodyRunner*& current_body_runner() noexcept;

/// A task that threw on a worker: the exception's type name and message travelled.
///
///   throw RemoteTaskError("std::runtime_error", "boom", "worker-1");
class RemoteTaskError : public std::runtime_error {
 public:
  RemoteTaskError(std::string type, const std::string& message, std::string node)
      : std::runtime_error(message), type_(std::move(type)), node_(std::move(node)) {}
  const std::string& type() const noexcept { return type_; }
  const std::string& node() const noexcept { return node_; }

 private:
  std::string type_;
  std::string node_;
};

}  // namespace compss::rt
