#include "sched/gang.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <charconv>
#include <string_view>

namespace compss::sched {

namespace {

/// The launch setting `key` as a positive number, or `fallback` when it is not given.
std::uint32_t launch_count(const detail::TaskSpec& spec, std::string_view key, std::uint32_t fallback) {
  for (std::size_t i = 0; i < spec.launch_count; ++i) {
    if (std::string_view(spec.launch[i].key) != key) continue;
    const std::string_view v = spec.launch[i].value;
    std::uint32_t n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1) {
      throw Error("compss: task '" + std::string(spec.name) + "': " + std::string(key) + "=" +
                  std::string(v) + " is not a positive whole number");
    }
    return n;
  }
  return fallback;
}

bool launch_flag(const detail::TaskSpec& spec, std::string_view key) {
  for (std::size_t i = 0; i < spec.launch_count; ++i) {
    if (std::string_view(spec.launch[i].key) == key) return std::string_view(spec.launch[i].value) == "true";
  }
  return false;
}

}  // namespace

Constraints task_constraints(const detail::TaskSpec& spec, const EnvLookup& env) {
  Constraints c = parse_constraints(spec.name, spec.constraints, spec.constraint_count, env);
  if (spec.kind == detail::TaskKind::mpi && !launch_flag(spec, "scale_by_cu")) {
    // compss-cc made computing_units = processes x computing_units: one process's cores
    // are the quotient.
    const std::uint32_t processes = launch_count(spec, "processes", 1);
    c.gang.units = processes;
    c.gang.per_node = launch_count(spec, "processes_per_node", 0);
    c.gang.unit_cpus = std::max<std::uint32_t>(1, (c.demand.cpus() + processes - 1) / processes);
  } else if (spec.kind == detail::TaskKind::multinode) {
    const std::uint32_t nodes = launch_count(spec, "computing_nodes", 1);
    const std::uint32_t per_node = launch_count(spec, "processes_per_node", 1);
    c.gang.units = nodes * per_node;
    c.gang.per_node = per_node;
    c.gang.unit_cpus = std::max<std::uint32_t>(1, c.demand.cpus());
    c.gang.computing_nodes = nodes;
  } else {
    return c;
  }
  c.demand.cpus() = c.gang.units * c.gang.unit_cpus;  // the whole gang on one node
  return c;
}

Capacity gang_node_demand(const Constraints& c, std::uint32_t units) noexcept {
  Capacity d = c.demand;
  d.cpus() = units * c.gang.unit_cpus;
  return d;
}

std::uint32_t gang_slice(const Constraints& c, const Capacity& room, std::uint32_t remaining) noexcept {
  if (remaining == 0 || !room.covers(gang_node_demand(c, 0))) return 0;  // (memory, GPUs...)
  const std::uint32_t fit = room.cpus() / c.gang.unit_cpus;
  if (c.gang.per_node > 0) {
    const std::uint32_t want = std::min(c.gang.per_node, remaining);
    return fit >= want ? want : 0;
  }
  return std::min(fit, remaining);
}

std::string describe_gang(const Constraints& c) {
  const auto cores = [](std::uint32_t n) { return std::to_string(n) + (n == 1 ? " core" : " cores"); };
  if (c.gang.computing_nodes > 0) {
    return std::to_string(c.gang.computing_nodes) + " nodes with " +
           cores(c.gang.per_node * c.gang.unit_cpus) + " each (computing_nodes=" +
           std::to_string(c.gang.computing_nodes) +
           ", processes_per_node=" + std::to_string(c.gang.per_node) + ")";
  }
  std::string s = std::to_string(c.gang.units) + " processes of " + cores(c.gang.unit_cpus);
  if (c.gang.per_node > 0) s += " (processes_per_node=" + std::to_string(c.gang.per_node) + ")";
  return s;
}

}  // namespace compss::sched
