// Recording a task's outputs on the master, as an attempt's outcome: one rule for the
// attempts (AttemptDriver::answered) and the replicated calls (Cluster::finish_replicated).
#pragma once

#include "core/failure_log.hpp"

#include <exception>
#include <optional>

namespace compss::net {

/// Runs `record` (DataPlane::record_outputs or record_replica_outputs: the master loads
/// the values of user types, and a type's load may throw anything). Returns the error the
/// attempt fails with, or nothing when its outputs were recorded. Thread-safe as `record`.
template <class Record>
std::optional<rt::TaskError> output_load_error(Record&& record) {
  try {
    record();
    return std::nullopt;
  } catch (const std::exception& e) {
    return rt::TaskError{"compss::Error", e.what(), "master"};
  } catch (...) {  // a user type's load threw something else
    return rt::TaskError{"unknown", "loading a task's output on the master failed", "master"};
  }
}

}  // namespace compss::net
