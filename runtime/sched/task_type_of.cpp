#include "sched/task_type_of.hpp"

namespace compss::sched {

TaskType task_type_of(const detail::TaskSpec& spec, const EnvLookup& env) {
  TaskType type;
  type.name = spec.name;
  type.priority = spec.priority;
  type.replicated = spec.replicated;
  type.distributed = spec.distributed;
  type.versions.push_back(
      {spec.name, parse_constraints(spec.name, spec.constraints, spec.constraint_count, env)});
  if (spec.replicated) return type;
  for (std::size_t i = 0; i < spec.version_count; ++i) {
    const detail::TaskSpec& v = *spec.versions[i];
    type.versions.push_back(
        {v.name, parse_constraints(v.name, v.constraints, v.constraint_count, env)});
  }
  return type;
}

}  // namespace compss::sched
