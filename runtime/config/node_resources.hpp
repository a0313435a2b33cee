// A resources.xml <ComputeNode> as the scheduler's Resources: every element of the COMPSs
// schema that describes what the node offers (processors with their properties, memory,
// storage, operating system, software, batch queues).
#pragma once

#include "config/xml_text.hpp"
#include "sched/resources.hpp"


namespace compss::config {

/// Reads the <ComputeNode> element `node` (a tree from read_xml_text). Throws
/// compss::Error "compss: <file>:<line>: ComputeNode '<name>': <element>: expected ...,
/// got '<value>'" (XmlPlace::fail, the line of the bad value).
///
///   sched::Resources r = node_resources(compute_node, XmlPlace{"resources.xml", "n1"});
sched::Resources node_resources(const boost::property_tree::ptree& node, const XmlPlace& where);

}  // namespace compss::config
