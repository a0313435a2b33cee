// compss::Error: the one exception type the public API throws.
#pragma once

#include <compss/detail/task_origin.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace compss {

/// The error the COMPSs API raises: a task failed, a datum could not be decoded, the
/// runtime is misconfigured. `what()` is a complete, human-readable message.
///
///   try {
///     compss::barrier();
///   } catch (const compss::Error& e) {
///     std::cerr << e.what() << '\n';  // task 'multiply' (id 7) failed: bad block
///   }
class Error : public std::runtime_error, public detail::TaskOrigin {
 public:
  /// An error with a message only.
  ///
  ///   throw compss::Error("COMPSS_THREADS must be a positive integer");
  explicit Error(const std::string& message) : std::runtime_error(message) {}

  /// An error caused by a failed task: keeps its name and id beside the message.
  ///
  ///   compss::Error e("task 'f' (id 3) failed: boom", "f", 3);
  Error(const std::string& message, std::string task_name, std::uint64_t task_id)
      : std::runtime_error(message), detail::TaskOrigin(std::move(task_name), task_id) {}
};

}  // namespace compss
