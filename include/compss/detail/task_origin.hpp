// TaskOrigin: the task an error or exception came from, kept beside its message.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace compss::detail {

/// Name and id of the task a compss::Error or compss::Exception came from; empty name and
/// id 0 when it did not come from a task.
///
///   if (!e.task_name().empty()) std::cerr << "task " << e.task_name() << " #" << e.task_id();
class TaskOrigin {
 public:
  TaskOrigin() = default;
  TaskOrigin(std::string task_name, std::uint64_t task_id)
      : task_name_(std::move(task_name)), task_id_(task_id) {}

  /// Name of the task, or empty when unknown.
  const std::string& task_name() const noexcept { return task_name_; }
  /// Id of the task, or 0 when unknown.
  std::uint64_t task_id() const noexcept { return task_id_; }

 private:
  std::string task_name_;
  std::uint64_t task_id_ = 0;
};

}  // namespace compss::detail
