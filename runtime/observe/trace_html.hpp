// trace.html: the trace of a run as one self-contained page (its script and data inline,
// nothing fetched): a timeline per node and thread (zoom with the wheel, drag to pan,
// hover for a task's details), the transfers between nodes, the ready-task count, and the
// task graph laid out by dependency depth. For a look without Paraver or Perfetto.
#pragma once

#include "observe/trace_model.hpp"

#include <string>

namespace compss::rt::observe::html {

/// Writes the page to `path`; throws compss::Error when it cannot.
void write(const TraceModel& model, const std::string& path, const std::string& date);


}  // namespace compss::rt::observe::html
