// The DOT text of a task graph (observe/task_graph.hpp), in COMPSs' conventions: tasks are
// circles named by their id and filled with their task type's colour, synchronisation
// points red octagons (`Synchro0` "main", then "sync" for a wait_on and "barrier"), edges
// labelled `d<datum>v<version>` (a collection's edge: `d<datum>v<version> (N)`, N the
// element edges it stands for), task groups clusters, and a legend of task types.
#pragma once

#include "observe/task_graph.hpp"

#include <string>

namespace compss::rt::observe {

/// How the nodes are filled: by task type (the complete graph) or by state (the monitor).
enum class GraphColouring { by_type, by_state };

/// The fill colour of task type number `type` ("#rrggbb"): a fixed palette, repeated
/// after its last colour.
const char* type_colour(std::uint32_t type) noexcept;
/// The fill colour of a task in `state`.
const char* state_colour(TaskState state) noexcept;

/// The whole graph as DOT.
///
///   std::string dot = dot_text(graph.snapshot());
std::string dot_text(const GraphSnapshot& graph, GraphColouring colouring = GraphColouring::by_type);

}  // namespace compss::rt::observe
