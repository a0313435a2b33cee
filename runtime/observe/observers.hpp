// Which observers of observe/ a run installs (COMPSS_GRAPH, COMPSS_SUMMARY, COMPSS_MONITOR,
// COMPSS_TRACE; compss-run's --graph, --summary, --monitor and --trace set them) and what they leave at the end: read in one place and
// installed by runtime/launch.cpp on the master's runtime.
#pragma once

#include "core/events.hpp"
#include "observe/monitor.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"
#include "observe/trace_session.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace compss::rt::observe {

/// What to observe.
struct ObserveSettings {
  bool graph = false;                ///< COMPSS_GRAPH=1: complete_graph.dot (+ .svg)
  std::size_t svg_max_tasks = 3000;  ///< COMPSS_GRAPH_SVG_MAX
  bool summary = false;              ///< COMPSS_SUMMARY=1: printed + summary.json
  std::optional<std::uint16_t> monitor;  ///< COMPSS_MONITOR=PORT (0: any free port)
  std::optional<TraceSettings> trace;    ///< COMPSS_TRACE (observe/trace_session.hpp)
  bool any() const { return graph || summary || monitor || trace; }
};

/// The settings the run's configuration asks for (settings/run_config.hpp, read and
/// checked there); makes the trace folder. Throws compss::Error for a trace folder that
/// cannot be made or written.
///
///   ObserveSettings s = observe_settings(config::run_config().observe);
ObserveSettings observe_settings(const config::ObserveVariables& variables);

/// The same from the variables `env` alone (tests): reads them with the run's one reader
/// (config::read_run_config), so a bad value throws its message naming the variable.
ObserveSettings observe_settings_from_env(const config::Env& env);

/// The observers `settings` ask for (null when not asked for), made before the runtime
/// so that a monitor port that cannot be had stops the start before anything runs.
struct ObserverSet {
  std::shared_ptr<TaskGraph> graph;     ///< --graph or --monitor
  std::shared_ptr<RunSummary> summary;  ///< --summary or --monitor
  std::shared_ptr<Monitor> monitor;     ///< serving from now on
  std::shared_ptr<TraceSession> trace;  ///< --trace: writes the trace files at the end
  /// The one lock of the graph, the summary and the monitor's timeline (installed as one
  /// observer: observe/observer_group.hpp).
  std::shared_ptr<std::mutex> events_mutex;
};

/// Makes the observers; the monitor listens at once and its address is printed on stderr
/// ("compss: monitor: http://127.0.0.1:PORT/?token=..."). Throws compss::Error when the
/// monitor's port cannot be had.
///
///   ObserverSet set = make_observers(settings);
ObserverSet make_observers(const ObserveSettings& settings);

/// Adds `set`'s observers to `observers` (the graph, the summary and the monitor as one
/// ObserverGroup under `set.events_mutex`), and one that, when the run ends, writes the
/// files of those asked for in `log_dir()` (called then) and prints where they are.
///
///   install_observers(runtime.events(), set, settings, [] { return rt::log_dir(); });
void install_observers(rt::Observers& observers, const ObserverSet& set, const ObserveSettings& settings,
                       std::function<std::string()> log_dir);

}  // namespace compss::rt::observe
