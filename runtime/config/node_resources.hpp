// A resources.xml <ComputeNode> as the scheduler's Resources: every element of the COMPSs
// schema that describes what the node offers (processors with their properties, memory,
// storage, operating system, software, batch queues).
#pragma once

#include "sched/resources.hpp"

#include <boost/property_tree/ptree_fwd.hpp>

#include <string>

namespace compss::config {

/// Reads the <ComputeNode> element `node`. `where` prefixes errors (file and node):
/// throws compss::Error "compss: <where>: <element>: expected ..., got '<value>'".
///
///   sched::Resources r = node_resources(compute_node, "resources.xml: ComputeNode 'n1'");
sched::Resources node_resources(const boost::property_tree::ptree& node, const std::string& where);

}  // namespace compss::config
