// Recording a task's outputs on the master, as an attempt's outcome: one rule for the
// attempts (AttemptDriver::answered) and the replicated calls (Cluster::finish_replicated).
#pragma once

#include "core/failure_log.hpp"
#include "core/runtime.hpp"
#include "net/attempt_files.hpp"

#include <exception>
#include <optional>

namespace compss::net {

/// Why an attempt's outputs could not be recorded: the outcome it ends with, and its error.
struct OutputLoadFailure {
  rt::Runtime::Outcome outcome = rt::Runtime::Outcome::failed;
  rt::TaskError error;
};

/// Runs `record` (DataPlane::record_outputs or record_replica_outputs: the master loads
/// the values of user types, and a type's load may throw anything; then files move into
/// place). Returns how the attempt fails, or nothing when its outputs were recorded: a
/// failure once some of its files were moved into place is not retried (a retry would
/// read them as its inputs). Thread-safe as `record`.
template <class Record>
std::optional<OutputLoadFailure> output_load_error(Record&& record) {
  try {
    record();
    return std::nullopt;
  } catch (const attempt_files::PartlyMoved& e) {  // (its files cannot be put back)
    return OutputLoadFailure{rt::Runtime::Outcome::failed_not_retried, {"compss::Error", e.what(), "master"}};
  } catch (const std::exception& e) {
    return OutputLoadFailure{rt::Runtime::Outcome::failed, {"compss::Error", e.what(), "master"}};
  } catch (...) {  // a user type's load threw something else
    return OutputLoadFailure{rt::Runtime::Outcome::failed,
                             {"unknown", "loading a task's output on the master failed", "master"}};
  }
}

}  // namespace compss::net
