// Which observers of observe/ a run installs (COMPSS_GRAPH, COMPSS_SUMMARY; compss-run's
// --graph and --summary set them) and what they leave at the end: read in one place and
// installed by runtime/launch.cpp on the master's runtime.
#pragma once

#include "core/events.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"

#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace compss::observe {

/// What to observe.
struct ObserveSettings {
  bool graph = false;                ///< COMPSS_GRAPH=1: complete_graph.dot (+ .svg)
  std::size_t svg_max_tasks = 3000;  ///< COMPSS_GRAPH_SVG_MAX
  bool summary = false;              ///< COMPSS_SUMMARY=1: printed + summary.json
  bool any() const { return graph || summary; }
};

/// Reads the settings from `env` (default: the process's variables). Throws
/// compss::Error naming the variable for a bad value.
///
///   ObserveSettings s = observe_settings_from_env();
ObserveSettings observe_settings_from_env(
    const std::function<const char*(const char*)>& env = [](const char* n) { return std::getenv(n); });

/// The observers install_observers made (null when not asked for).
struct InstalledObservers {
  std::shared_ptr<TaskGraph> graph;
  std::shared_ptr<RunSummary> summary;
};

/// Adds the observers `settings` ask for to `observers`, and one that, when the run ends,
/// writes their files in `log_dir()` (called then: the folder is made only if needed) and
/// prints where they are on stderr.
///
///   install_observers(runtime.events(), settings, [] { return rt::log_dir(); });
InstalledObservers install_observers(rt::Observers& observers, const ObserveSettings& settings,
                                     std::function<std::string()> log_dir);

}  // namespace compss::observe
