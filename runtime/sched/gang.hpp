// Tasks given several nodes at once (SPEC section 2: `mpi` over several nodes, `multinode`):
// what such a task asks of the scheduler, read from its TaskSpec. The scheduler
// (sched/scheduler.hpp) reserves the whole gang at one instant or nothing.
#pragma once

#include "sched/constraints.hpp"

#include <compss/detail/task_spec.hpp>

#include <cstdint>
#include <string>

namespace compss::sched {

/// A task's constraints with, for MPI and multinode tasks, its gang (Constraints::gang).
/// Throws compss::Error for malformed constraints or launch settings.
///
///   Constraints c = task_constraints(spec);   // c.gang.units > 0: several nodes possible
Constraints task_constraints(const detail::TaskSpec& spec, const EnvLookup& env = process_env);

/// What one node of a gang reserves when it runs `units` of the task's units: the unit's
/// cores times `units`, plus the task's other amounts (memory, storage, GPUs) once.
Capacity gang_node_demand(const Constraints& c, std::uint32_t units) noexcept;

/// How many units of the gang a node can hold with `room` left (its free or total
/// capacity): 0 when it cannot take a slice (with per_node set, a node takes exactly
/// min(per_node, remaining) or nothing).
std::uint32_t gang_slice(const Constraints& c, const Capacity& room, std::uint32_t remaining) noexcept;

/// "3 processes of 1 core (processes_per_node=2)" / "2 nodes x 1 process of 1 core
/// (computing_nodes=2, processes_per_node=1)": the gang as messages say it.
std::string describe_gang(const Constraints& c);

}  // namespace compss::sched
