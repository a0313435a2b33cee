// compss::Exception: what a task throws to stop its task group (docs/failures.md).
#pragma once

#include <compss/detail/task_origin.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace compss {

/// Thrown by a task of a task group, it cancels the group's tasks that have not started,
/// asks the running ones to stop (compss::this_task::stop_requested()), and is rethrown in
/// the main program at the end of the group's block or at its barrier_group. `what()` is
/// exactly the message the task gave; task_name() and task_id() say where it came from.
/// Thrown by a task outside any group, it is a failure like any other exception (the
/// task's on_failure policy applies). The sequential build simply propagates it.
///
///   #pragma compss task
///   void train(int candidate) {
///     if (converged(candidate)) throw compss::Exception("candidate converged");
///   }
///   try {
///     compss::TaskGroup search("search");
///     for (int c = 0; c < 16; ++c) train(c);
///   } catch (const compss::Exception& e) {
///     std::cout << e.what() << '\n';  // candidate converged
///   }
class Exception : public std::runtime_error, public detail::TaskOrigin {
 public:
  /// An exception with a message, as a task throws it.
  ///
  ///   throw compss::Exception("model 3 converged");
  explicit Exception(const std::string& message) : std::runtime_error(message) {}

  /// The exception as the main program receives it: the task's message and its origin.
  ///
  ///   compss::Exception e("converged", "train", 12);
  Exception(const std::string& message, std::string task_name, std::uint64_t task_id)
      : std::runtime_error(message), detail::TaskOrigin(std::move(task_name), task_id) {}
};

}  // namespace compss
