// The worker nodes resources.xml and project.xml declare, read by the one XML reader
// (config/resources.hpp) for both sides of a run: compss-run starts a worker per node
// (tools/compss-run/worker_plan.cpp), and the master takes each node's resources.xml
// description over what its worker reports at connection (net/cluster.cpp, add_worker).
// Both name the workers with unique_worker_names, so the master finds a worker's node by
// the name in its Hello.
#pragma once

#include "config/resources.hpp"
#include "sched/resources.hpp"

#include <map>
#include <string>
#include <vector>

namespace compss::config {

/// The nodes of a run: project.xml's, each with its resources.xml description, when both
/// are given; else every node of the one given (the other part left empty). Throws
/// compss::Error as load_resources/load_project/merge.
///
///   std::vector<NodeConfig> nodes = load_nodes("resources.xml", "");
std::vector<NodeConfig> load_nodes(const std::string& resources_path, const std::string& project_path);

/// The host a node's worker runs on: project.xml's name, else resources.xml's.
///
///   std::string host = node_host(nodes[0]);
std::string node_host(const NodeConfig& node);

/// Each worker's own name (COMPSS_WORKER_NAME) from its host, in order: a host that repeats
/// becomes "<host>-<index>" (1-based index of its worker), made unique against every other.
///
///   unique_worker_names({"n1", "n1"}) == {"n1", "n1-2"}
std::vector<std::string> unique_worker_names(const std::vector<std::string>& hosts);

/// What the scheduler takes for a worker described by resources.xml as `declared` that
/// reported `reported` in its Hello: the XML overrides the report (docs/distributed.md,
/// "Scheduling"), except the CPU units, which stay the reported task slots (chosen by
/// compss-run: --worker-cores > LimitOfTasks/ComputingUnits > detection). Reported values
/// fill what the XML leaves out (memory, CPU architecture, operating system type).
///
///   sched::Resources r = declared_over_reported(xml_node.described, reported_resources(hello));
sched::Resources declared_over_reported(const sched::Resources& declared, const sched::Resources& reported);

/// The resources.xml descriptions of a run's workers by worker name (the master's view).
/// Immutable after load: safe to read from any thread.
///
///   DeclaredNodes d = DeclaredNodes::load(settings.resources_xml, settings.project_xml);
///   resources = d.over_report(worker_name, std::move(resources));
class DeclaredNodes {
 public:
  /// No resources.xml (`resources_path` empty): nothing is declared, reports stand.
  static DeclaredNodes load(const std::string& resources_path, const std::string& project_path);
  /// `reported` with the XML description of worker `name` over it (declared_over_reported);
  /// unchanged for a worker the XML does not declare (one added by request_resources).
  sched::Resources over_report(const std::string& name, sched::Resources reported) const;
  bool empty() const { return by_name_.empty(); }

 private:
  std::map<std::string, sched::Resources> by_name_;
};

}  // namespace compss::config
