// The COMPSs resources.xml and project.xml files as a typed model.
#pragma once

#include "sched/resources.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compss::config {

/// One <ComputeNode> of resources.xml: what a machine offers.
///
///   ResourceNode n = load_resources("resources.xml").front();
///   unsigned cores = n.cores();
struct ResourceNode {
  std::string name;
  std::optional<std::uint16_t> min_port;      ///< <Adaptors><Adaptor><Ports><MinPort>
  std::optional<std::uint16_t> max_port;
  /// Everything the node offers (processors, memory, storage, OS, software, queues), for
  /// the scheduler (config/node_resources.hpp): the one reading of those elements.
  sched::Resources described;
  /// Its task slots: the sum of its CPU processors' computing units (1 when none is listed).
  unsigned cores() const;
};

/// One <ComputeNode> of project.xml: how this run uses a machine. As in COMPSs,
/// InstallDir is the COMPSs installation on the node (read, not used: compss-cc programs
/// carry their runtime), Application/AppDir the folder of the application there, and
/// WorkingDir the worker's scratch folder.
struct ProjectNode {
  std::string name;
  std::string working_dir;
  std::string install_dir;
  std::string app_dir;  ///< <Application><AppDir>; empty = the master's path of the app
  std::string user;
  std::optional<unsigned> limit_of_tasks;
  unsigned line = 0;  ///< of its <ComputeNode> in project.xml (for errors)
};

/// Parses resources.xml. Throws compss::Error "compss: cannot read the resources.xml file
/// '<file>': <reason> (...)" when it cannot be read (missing, no permission, a directory),
/// "compss: <file>:<line>: ..." for malformed
/// XML (also for elements nested deeper than config::max_xml_depth, config/xml_text.hpp)
/// and "compss: <file>:<line>: ComputeNode '<name>': <element>: ..." for a bad value (the
/// line of the value).
///
///   std::vector<ResourceNode> nodes = compss::config::load_resources("resources.xml");
std::vector<ResourceNode> load_resources(const std::string& path);

/// Parses project.xml, with errors as load_resources.
///
///   std::vector<ProjectNode> nodes = compss::config::load_project("project.xml");
std::vector<ProjectNode> load_project(const std::string& path);

/// Parses resources.xml text (`origin` names it in errors).
std::vector<ResourceNode> parse_resources(const std::string& text, const std::string& origin);

/// Parses project.xml text (`origin` names it in errors).
std::vector<ProjectNode> parse_project(const std::string& text, const std::string& origin);

/// A worker node of the run: its resources and its project settings.
struct NodeConfig {
  ResourceNode resources;
  ProjectNode project;
};

/// The nodes project.xml uses, each with its resources.xml description; throws
/// compss::Error when project.xml names a node resources.xml does not describe.
///
///   auto nodes = compss::config::merge(load_resources(r), load_project(p), p);
std::vector<NodeConfig> merge(const std::vector<ResourceNode>& resources,
                              const std::vector<ProjectNode>& project,
                              const std::string& project_origin);

}  // namespace compss::config
