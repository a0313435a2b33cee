// Placement of a ready task on a node of a master-worker run: the resource model (task
// slots per node) and the locality rule. Pure logic, no locks: the caller (net/cluster)
// holds its scheduler lock.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace compss::sched {

/// One node as the scheduler sees it. Node 0 is the master (its cores may be 0 slots).
///
///   NodeSlots n{.id = 1, .name = "worker-1", .slots = 4};
struct NodeSlots {
  int id = 0;
  std::string name;
  unsigned slots = 0;    ///< tasks it may run at once (cores, or LimitOfTasks)
  unsigned running = 0;  ///< tasks placed on it and not finished
  bool alive = true;

  bool has_free_slot() const noexcept { return alive && running < slots; }
};

/// Chooses the node for a task that can travel: among nodes with room, with `locality`
/// the one holding most of the task's input bytes (`input_bytes[i]` for nodes[i]); then
/// the least loaded; then the lowest id. A worker has room while it runs fewer than
/// `depth` tasks per slot (depth > 1: requests queued on a busy worker); the master (id 0)
/// only while it has a free slot. Returns the index in `nodes`, or -1 when none has room.
///
///   int i = choose_node(nodes, bytes, true);
///   if (i < 0) i = choose_node(nodes, bytes, true, 4);  // queue behind running tasks
int choose_node(std::span<const NodeSlots> nodes, std::span<const std::uint64_t> input_bytes,
                bool locality, unsigned depth = 1) noexcept;

}  // namespace compss::sched
