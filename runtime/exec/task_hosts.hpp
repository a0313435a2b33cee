// The nodes of the running external or multinode task as exec/ uses them: the host file,
// COMPSS_NUM_NODES / COMPSS_HOSTNAMES, compss::this_task::nodes() (docs/external_programs.md).
#pragma once

#include <compss/this_task.hpp>

#include <string>
#include <vector>

namespace compss::exec {

/// This machine's host name ("localhost" when it has none).
std::string this_host();

/// The running task's nodes: the allocation the scheduler gave it (several nodes), else
/// this host alone with `processes`.
std::vector<detail::TaskHost> running_task_hosts(unsigned processes);

/// The environment that tells a task its nodes: COMPSS_NUM_NODES=<nodes> and
/// COMPSS_HOSTNAMES=<name,name,...> (one name per node, in allocation order).
std::vector<std::string> nodes_environment(const std::vector<detail::TaskHost>& hosts);

}  // namespace compss::exec
