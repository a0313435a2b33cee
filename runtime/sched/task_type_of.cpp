#include "sched/task_type_of.hpp"

#include "sched/gang.hpp"

namespace compss::sched {

TaskType task_type_of(const detail::TaskSpec& spec, const EnvLookup& env) {
  TaskType type;
  type.name = spec.name;
  type.priority = spec.priority;
  type.replicated = spec.replicated;
  type.distributed = spec.distributed;
  type.versions.push_back({spec.name, task_constraints(spec, env)});  // (a gang: MPI, multinode)
  for (std::size_t i = 0; i < spec.version_count; ++i) {
    const detail::TaskSpec& v = *spec.versions[i];
    type.versions.push_back({v.name, task_constraints(v, env)});
  }
  return type;
}

}  // namespace compss::sched
