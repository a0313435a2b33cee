// The worker nodes of the XML files as both compss-run and the master see them
// (runtime/config/xml_nodes.hpp): one loading, one naming, and the master's rule that the
// XML's description of a worker overrides what the worker reports.
#include "config/xml_nodes.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace compss;
using sched::ProcessorType;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            (name + "-" + std::to_string(::getpid()) + ".xml")).string();
  std::ofstream(path) << text;
  return path;
}

const char* two_nodes = R"(<ResourcesList>
  <ComputeNode Name="n1"><Processor Name="P"><ComputingUnits>4</ComputingUnits></Processor></ComputeNode>
  <ComputeNode Name="n1">
    <Processor Name="Fast"><ComputingUnits>8</ComputingUnits><Architecture>arm64</Architecture><Speed>3.5</Speed></Processor>
    <Processor Name="Slow"><ComputingUnits>8</ComputingUnits></Processor>
    <Processor Name="U280"><Type>FPGA</Type></Processor>
    <Storage><Size>100</Size><Type>SSD</Type></Storage>
    <Software><Application>blast</Application></Software>
  </ComputeNode>
</ResourcesList>)";

sched::Resources report(unsigned cores, double memory_gb, unsigned gpus = 0) {
  sched::Resources r;
  r.processors.push_back({.type = ProcessorType::cpu, .units = cores, .architecture = "x86_64"});
  if (gpus > 0) r.processors.push_back({.type = ProcessorType::gpu, .units = gpus});
  r.memory_gb = memory_gb;
  r.os_type = "Linux";
  return r;
}

}  // namespace

TEST(ConfigXmlNodes, WorkerNamesAreUniqueAsCompssRunGivesThem) {
  EXPECT_EQ(config::unique_worker_names({"n1", "n1", "n2"}),
            (std::vector<std::string>{"n1", "n1-2", "n2"}));
  // "n1-2" is a host of its own: the repeated n1 of worker 2 must not take its name.
  EXPECT_EQ(config::unique_worker_names({"n1", "n1", "n1-2"}),
            (std::vector<std::string>{"n1", "n1-2-2", "n1-2"}));
}

TEST(ConfigXmlNodes, TheXmlOverridesTheReportButNotTheTaskSlots) {
  std::vector<config::ResourceNode> nodes = config::parse_resources(two_nodes, "r.xml");
  ASSERT_EQ(nodes.size(), 2u);
  // 16 slots as the XML says: its two CPU processors stay, with their own properties.
  sched::Resources r = config::declared_over_reported(nodes[1].described, report(16, 32));
  EXPECT_EQ(r.units(ProcessorType::cpu), 16u);
  EXPECT_EQ(r.units(ProcessorType::fpga), 1u);
  ASSERT_EQ(r.processors.size(), 3u);
  EXPECT_EQ(r.processors[0].name, "Fast");
  EXPECT_EQ(r.processors[0].architecture, "arm64");   // the XML's
  EXPECT_EQ(r.processors[1].architecture, "x86_64");  // not in the XML: reported
  EXPECT_EQ(r.storage_gb, 100);
  EXPECT_EQ(r.software, std::vector<std::string>{"blast"});
  EXPECT_EQ(r.memory_gb, 32);  // no Memory in the XML: reported
  EXPECT_EQ(r.os_type, "Linux");
  EXPECT_FALSE(r.is_master);
  // --worker-cores 2 (or LimitOfTasks): the first CPU processor takes the reported slots.
  sched::Resources limited = config::declared_over_reported(nodes[1].described, report(2, 32));
  EXPECT_EQ(limited.units(ProcessorType::cpu), 2u);
  EXPECT_EQ(limited.processors[0].name, "Fast");
  // Reported GPUs stay when the XML lists no device.
  EXPECT_EQ(config::declared_over_reported(nodes[0].described, report(4, 8, 2)).units(ProcessorType::gpu), 2u);
}

TEST(ConfigXmlNodes, TheMasterFindsEachWorkerByItsName) {
  const std::string path = write_temp("xml-nodes", two_nodes);
  config::DeclaredNodes d = config::DeclaredNodes::load(path, "");
  EXPECT_FALSE(d.empty());
  EXPECT_EQ(d.over_report("n1", report(4, 8)).units(ProcessorType::fpga), 0u);
  EXPECT_EQ(d.over_report("n1-2", report(16, 8)).units(ProcessorType::fpga), 1u);
  // A worker the XML does not declare (request_resources): its report stands.
  EXPECT_EQ(d.over_report("added-1", report(3, 8)).units(ProcessorType::cpu), 3u);
  EXPECT_TRUE(config::DeclaredNodes::load("", "").empty());
  std::remove(path.c_str());
}

TEST(ConfigXmlNodes, ProjectNodesTakeTheirResourcesByName) {
  const std::string resources = write_temp("xml-nodes-r", two_nodes);
  const std::string project = write_temp("xml-nodes-p", R"(<Project>
  <ComputeNode Name="n1"><InstallDir>/opt/COMPSs</InstallDir><WorkingDir>/tmp/w</WorkingDir></ComputeNode>
</Project>)");
  std::vector<config::NodeConfig> nodes = config::load_nodes(resources, project);
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(config::node_host(nodes[0]), "n1");
  EXPECT_EQ(nodes[0].project.working_dir, "/tmp/w");
  EXPECT_EQ(nodes[0].project.install_dir, "/opt/COMPSs");
  std::remove(resources.c_str());
  std::remove(project.c_str());
}
