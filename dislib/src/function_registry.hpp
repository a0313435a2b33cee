// Functions apply_along_axis can run, by name. Each process of a run fills its own
// registry at start (static registrations), since a task on a worker cannot receive a
// function. Thread-safe (one mutex; lookups happen in tasks on any thread).
#pragma once

#include <compss/dislib/array.hpp>

#include <string>

namespace dislib::detail {

/// The function registered as `name`; throws compss::Error naming it if there is none.
const AxisFunction& find_function(const std::string& name);

}  // namespace dislib::detail
