// Chrome's JSON trace format (the "Trace Event Format", read by ui.perfetto.dev and
// Chrome DevTools' Performance panel) of a run: one process per node, one thread per
// node thread of the model (observe/trace_model.hpp) plus lanes for its transfers; a
// complete event ("X", with its duration) per task attempt and per transfer end; flow
// arrows from each task to the tasks that waited for it and from each transfer's sender to
// its receiver; counters of ready tasks and bytes in flight; process and thread names.
// The clocks' error bounds are in the top-level "metadata". docs/traces.md.
#pragma once

#include "observe/trace_model.hpp"

#include <string>

namespace compss::rt::observe::perfetto {

/// Writes the JSON of `model` ({"displayTimeUnit", "metadata": metadata_json(...),
/// "traceEvents": [...]}) to `path`; throws compss::Error when it cannot.
void write(const TraceModel& model, const std::string& path, const std::string& date);

/// The metadata object every format carries: the date, the durations, the task count,
/// each node's clock offset and error bound, and whether the trace was truncated.
std::string metadata_json(const TraceModel& model, const std::string& date);

}  // namespace compss::rt::observe::perfetto
