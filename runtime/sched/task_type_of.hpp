// The scheduler's view of a task type (sched::TaskType) made from what compss-cc emitted
// (detail::TaskSpec): the task itself as version 0, then its `implement` versions in the
// order of TaskSpec::versions, each with its own parsed constraints. One definition for
// local and distributed runs, so both choose among the same implementations.
#pragma once

#include "sched/constraints.hpp"
#include "sched/scheduler.hpp"

#include <compss/detail/task_spec.hpp>

namespace compss::sched {

/// The task type of calls of `spec`. Version index i (Placement::version) is the
/// implementation TaskBase::implementation names: 0 the task, i its versions[i - 1].
/// A replicated task keeps its versions too: each node runs the one that fits it (its
/// replicas share one task object, so the cluster reads each replica's version from its
/// node's placement, never TaskBase::implementation: ClusterNode::version_of).
/// Throws compss::Error for malformed constraints (parse_constraints).
///
///   const TaskClass* c = scheduler.register_type(task_type_of(task->spec()));
TaskType task_type_of(const detail::TaskSpec& spec, const EnvLookup& env = process_env);

}  // namespace compss::sched
