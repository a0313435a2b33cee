// What a task asks of a node (SPEC section 2, `constraint(...)`), parsed once per task type
// from the `key=value` pairs compss-cc puts into its TaskSpec, and the test "does this node
// fit": now (free capacity) or ever (total), with the diagnosis of a task no node of the
// run can ever satisfy.
#pragma once

#include "sched/resources.hpp"

#include <compss/detail/task_spec.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace compss::sched {

/// One processor request (the `processors` key, or computing_units + processor_type).
struct ProcessorRequest {
  ProcessorType type = ProcessorType::cpu;
  std::uint32_t units = 1;
};

/// A task given several nodes at once (MPI, multinode; sched/gang.hpp): `units` processes
/// of `unit_cpus` cores each, spread over nodes, at most `per_node` on one node (0: as many
/// as fit). `units == 0`: an ordinary one-node task.
struct Gang {
  std::uint32_t units = 0;
  std::uint32_t per_node = 0;
  std::uint32_t unit_cpus = 1;
  std::uint32_t computing_nodes = 0;  ///< multinode: the nodes asked for (0: an MPI task)
};

/// A task's constraints. Default-constructed: one CPU unit, nothing else (unconstrained).
///
///   Constraints c = parse_constraints("multiply", spec.constraints, spec.constraint_count);
///   if (fits(c, node.total, node.free)) ...
struct Constraints {
  Capacity demand = one_cpu();  ///< reserved while the task runs
  std::vector<ProcessorRequest> processors = {ProcessorRequest{}};
  // Properties a processor of the requested type must have ("" / 0: any).
  std::string processor_architecture;
  std::string processor_name;
  double processor_speed = 0;
  double processor_performance = 0;
  double processor_internal_memory_gb = 0;
  std::string memory_type;
  std::string storage_type;
  std::string os_type;
  std::string os_distribution;
  std::string os_version;
  std::vector<std::string> app_software;  ///< all must be installed
  std::vector<std::string> host_queues;   ///< the node must offer one of them
  double wall_clock_limit = 0;            ///< seconds; the node's limit must allow it
  bool is_local = false;                  ///< only the master's node
  double memory_gb = 0;                   ///< as asked, for messages (demand has MB)
  double storage_gb = 0;
  /// Several nodes (MPI, multinode): `demand` is then what the whole gang needs on one
  /// node; gang_node_demand() gives a node's part.
  Gang gang;

  static Capacity one_cpu() noexcept {
    Capacity c;
    c.units[0] = 1;
    return c;
  }
  /// Nothing beyond the default one CPU unit: the fast path may run it anywhere.
  bool unconstrained() const noexcept;
};

/// Reads an environment variable: the value, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
/// std::getenv.
std::optional<std::string> process_env(const std::string& name);

/// Parses the constraint pairs of task `task` (its name, for messages). A value "$VAR"
/// is read through `env`. Keys: SPEC section 2's list (aliases cores, memory). Throws
/// compss::Error "compss: task '<task>': constraint <key>=<value>: <what is wrong>" for an
/// unknown key, a bad value or an unset variable.
///
///   Constraints c = parse_constraints("train", spec.constraints, spec.constraint_count);
Constraints parse_constraints(const std::string& task, const detail::Constraint* pairs,
                              std::size_t count, const EnvLookup& env = process_env);

/// The descriptive keys (processor properties, types, system, software, queues, wall
/// clock, is_local) hold on a node with resources `total`.
bool matches(const Constraints& c, const Resources& total);
/// The task may ever run on the node: matches() and its total capacity covers the demand.
bool fits_total(const Constraints& c, const Resources& total);
/// The task may run on the node now: matches() and the free capacity covers the demand.
bool fits(const Constraints& c, const Resources& total, const Capacity& free);

/// One key a node does not satisfy: what was asked and what the node has.
struct Mismatch {
  std::string key;
  std::string asked;
  std::string offered;
};
/// Every key the node's total resources fail (empty: the task may run there some day).
std::vector<Mismatch> mismatches(const Constraints& c, const Resources& total);

/// A node as the diagnosis sees it.
struct NamedResources {
  const std::string* name;
  const Resources* total;
};
/// nullopt when some node can ever run the task (any of its `versions`: the task itself
/// first, then its `implement` versions, named by `names`); otherwise the error text:
/// "compss: task '<task>' can never run: no node of the run satisfies <key>=<asked> (best
/// node '<name>' has <offered>)", one clause per failing key of the node that fails fewest
/// keys, then for each further version "; nor, for its version '<name>', <its clauses>".
std::optional<std::string> never_fits(const std::string& task,
                                      std::span<const Constraints* const> versions,
                                      std::span<const NamedResources> nodes,
                                      std::span<const std::string* const> names = {});

}  // namespace compss::sched
