#include "config/xml_nodes.hpp"

#include <algorithm>
#include <set>

namespace compss::config {

std::vector<NodeConfig> load_nodes(const std::string& resources_path, const std::string& project_path) {
  if (!resources_path.empty() && !project_path.empty()) {
    return merge(load_resources(resources_path), load_project(project_path), project_path);
  }
  std::vector<NodeConfig> nodes;
  if (!resources_path.empty()) {
    for (ResourceNode& r : load_resources(resources_path)) {
      ProjectNode p;
      p.name = r.name;
      nodes.push_back({std::move(r), std::move(p)});
    }
  } else if (!project_path.empty()) {
    for (ProjectNode& p : load_project(project_path)) {
      ResourceNode r;
      r.name = p.name;
      nodes.push_back({std::move(r), std::move(p)});
    }
  }
  return nodes;
}

std::string node_host(const NodeConfig& node) {
  return node.project.name.empty() ? node.resources.name : node.project.name;
}

std::vector<std::string> unique_worker_names(const std::vector<std::string>& hosts) {
  const std::set<std::string> seen(hosts.begin(), hosts.end());
  std::set<std::string> used;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    std::string name = hosts[i];
    if (!used.insert(name).second) {
      const std::string base = hosts[i] + "-" + std::to_string(i + 1);
      name = base;
      for (int k = 2; seen.count(name) || used.count(name); ++k) name = base + "-" + std::to_string(k);
      used.insert(name);
    }
    names.push_back(std::move(name));
  }
  return names;
}

sched::Resources declared_over_reported(const sched::Resources& declared, const sched::Resources& reported) {
  sched::Resources r = declared;
  r.is_master = false;
  const std::uint32_t slots = reported.units(sched::ProcessorType::cpu);
  std::string reported_architecture;
  for (const sched::Processor& p : reported.processors) {
    if (p.type == sched::ProcessorType::cpu && reported_architecture.empty()) reported_architecture = p.architecture;
  }
  // The CPU processors: the XML's properties, the reported task slots. When the slots are
  // not the XML's sum (--worker-cores, LimitOfTasks), the first CPU processor takes them all.
  auto is_cpu = [](const sched::Processor& p) { return p.type == sched::ProcessorType::cpu; };
  if (r.units(sched::ProcessorType::cpu) != slots) {
    auto first = std::find_if(r.processors.begin(), r.processors.end(), is_cpu);
    sched::Processor cpu = first != r.processors.end() ? *first : sched::Processor{};
    cpu.units = slots;
    std::erase_if(r.processors, is_cpu);
    r.processors.insert(r.processors.begin(), cpu);
  }
  for (sched::Processor& p : r.processors) {
    if (is_cpu(p) && p.architecture.empty()) p.architecture = reported_architecture;
  }
  // Devices the XML does not list (none declared): as reported.
  const bool declares_devices = std::any_of(r.processors.begin(), r.processors.end(),
                                            [&](const sched::Processor& p) { return !is_cpu(p); });
  if (!declares_devices) {
    for (const sched::Processor& p : reported.processors) {
      if (!is_cpu(p)) r.processors.push_back(p);
    }
  }
  if (r.memory_gb <= 0) r.memory_gb = reported.memory_gb;
  if (r.os_type.empty()) r.os_type = reported.os_type;
  return r;
}

DeclaredNodes DeclaredNodes::load(const std::string& resources_path, const std::string& project_path) {
  DeclaredNodes d;
  if (resources_path.empty()) return d;
  const std::vector<NodeConfig> nodes = load_nodes(resources_path, project_path);
  std::vector<std::string> hosts;
  for (const NodeConfig& n : nodes) hosts.push_back(node_host(n));
  const std::vector<std::string> names = unique_worker_names(hosts);
  for (std::size_t i = 0; i < nodes.size(); ++i) d.by_name_.emplace(names[i], nodes[i].resources.described);
  return d;
}

sched::Resources DeclaredNodes::over_report(const std::string& name, sched::Resources reported) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return reported;
  return declared_over_reported(it->second, reported);
}

}  // namespace compss::config
