// The `--trace` of a run: reads COMPSS_TRACE, records the run (observe/trace_recorder.hpp)
// and at its end writes every format into one folder: trace.prv/.pcf/.row (Paraver),
// trace.json (Chrome/Perfetto) and trace.html. docs/traces.md.
//
//   COMPSS_TRACE=1        trace into <log folder>/trace (core/failure_log.hpp, log_dir())
//   COMPSS_TRACE=<folder> trace into that folder (made if missing)
//   COMPSS_TRACE=0 or unset: no trace (no observer: nothing costs anything)
//   COMPSS_TRACE_MAX_EVENTS=N  records kept at most (default 4,000,000: 128 MB at most);
//                         past it the trace says it is truncated
#pragma once

#include "observe/trace_model.hpp"
#include "observe/trace_recorder.hpp"
#include "settings/run_config.hpp"

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace compss::rt::observe {

struct TraceSettings {
  std::string folder;
  std::uint64_t max_events = 4'000'000;
};

/// The settings COMPSS_TRACE asks for (the run's configuration, settings/run_config.hpp),
/// or none; makes the folder. Throws compss::Error for a folder that cannot be made or
/// written (the run must not start then). Made with the other observers' settings
/// (observe/observers.hpp, observe_settings).
std::optional<TraceSettings> trace_settings(const config::ObserveVariables& variables);

/// Writes every format of `model` into `folder` (which exists); throws compss::Error.
void write_trace_files(const TraceModel& model, const std::string& folder);

/// A recorder that writes the files when the run ends, and says where on stderr (or why
/// it could not: the run's own result stands).
class TraceSession : public TraceRecorder {
 public:
  explicit TraceSession(TraceSettings settings)
      : TraceRecorder(settings.max_events), settings_(std::move(settings)) {}
  void on_run_ended(const RunEnded& e) override;

 private:
  TraceSettings settings_;
};

}  // namespace compss::rt::observe
