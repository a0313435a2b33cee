// The task graph's files at the end of a run: complete_graph.dot, and complete_graph.svg
// rendered by Graphviz's `dot` program when it is installed and the graph is small enough
// to lay out in reasonable time.
#pragma once

#include "observe/task_graph.hpp"

#include <cstddef>
#include <mutex>
#include <string>

namespace compss::rt::observe {

/// Graphs with more tasks than this are written as DOT only (dot's layout takes minutes
/// beyond a few thousand nodes); COMPSS_GRAPH_SVG_MAX changes it.
constexpr std::size_t default_svg_max_tasks = 3000;

/// What write_graph_files did, for the line it prints.
struct GraphFiles {
  std::string dot;  ///< path of the DOT file ("" when it could not be written)
  std::string svg;  ///< path of the SVG ("" when not made)
  std::string why_no_svg;
  std::string error;  ///< why the DOT could not be written
};

/// Writes `dir`/complete_graph.dot (through a temporary file and a rename) and renders
/// `dir`/complete_graph.svg with `dot` when the graph has at most `svg_max_tasks` tasks.
///
///   GraphFiles f = write_graph_files(graph.snapshot(), "compss-logs/app-1", 3000);
GraphFiles write_graph_files(const GraphSnapshot& graph, const std::string& dir,
                             std::size_t svg_max_tasks = default_svg_max_tasks);

/// The line telling where the graph is: "compss: task graph: DIR/complete_graph.dot, ...".
std::string graph_files_message(const GraphFiles& files);

/// The drawing under way, which another thread may stop: the monitor's, when the run ends
/// (its end does not wait for a drawing nobody will see). Thread-safe (one mutex, a leaf).
class StoppableChild {
 public:
  /// Kills the child that runs now, and any started later.
  void stop();
  /// (render_with_graphviz) The child `pid` runs (killed at once after stop), or none (0).
  void set(int pid);
  bool stopped() const;

 private:
  mutable std::mutex mutex_;
  int pid_ = 0;
  bool stopped_ = false;
};

/// Runs `dot -Tsvg -o svg dot_file`; false with `why` when it cannot (not installed, it
/// failed, it was stopped through `child`). The format may be any of dot's (-T). With
/// `niceness` > 0 it runs under `nice -n niceness` (the monitor's drawings give way to the
/// run's tasks).
bool render_with_graphviz(const std::string& dot_file, const std::string& out_file,
                          std::string& why, const char* format = "svg", int niceness = 0,
                          StoppableChild* child = nullptr);

}  // namespace compss::rt::observe
