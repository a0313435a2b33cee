// resources.xml <ComputeNode> elements as the scheduler's Resources
// (runtime/config/node_resources.hpp): every element of the COMPSs schema that says what a
// node offers, checked against the constraints that ask for it.
#include "config/resources.hpp"
#include "sched/constraints.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

using namespace compss;

namespace {

const char* full_node = R"(<?xml version="1.0" encoding="UTF-8"?>
<ResourcesList>
  <ComputeNode Name="gpu-node">
    <Processor Name="Xeon">
      <ComputingUnits>16</ComputingUnits>
      <Architecture>x86_64</Architecture>
      <Speed>2.6</Speed>
      <Type>CPU</Type>
      <ProcessorProperty><Key>Performance</Key><Value>50</Value></ProcessorProperty>
    </Processor>
    <Processor Name="A100">
      <Type>GPU</Type>
      <ComputingUnits>2</ComputingUnits>
      <Architecture>ampere</Architecture>
      <Speed>1.4</Speed>
      <InternalMemorySize>40</InternalMemorySize>
    </Processor>
    <Processor Name="U280"><Type>FPGA</Type></Processor>
    <Memory><Size>8</Size><Type>DRAM</Type></Memory>
    <Storage><Size>240</Size><Type>SSD</Type><Bandwidth>500</Bandwidth></Storage>
    <OperatingSystem><Type>Linux</Type><Distribution>debian</Distribution><Version>12</Version></OperatingSystem>
    <Software><Application>BLAST</Application><Application>PYTHON</Application></Software>
    <Adaptors>
      <Adaptor Name="es.bsc.compss.nio.master.NIOAdaptor">
        <SubmissionSystem><Batch><Queue>debug</Queue><Queue>bsc</Queue></Batch><Interactive/></SubmissionSystem>
        <Ports><MinPort>43001</MinPort><MaxPort>43002</MaxPort></Ports>
      </Adaptor>
    </Adaptors>
  </ComputeNode>
  <ComputeNode Name="bare"/>
</ResourcesList>
)";

std::string error_of(const std::string& xml) {
  try {
    config::parse_resources(xml, "resources.xml");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

/// `inner` on line 3 of a resources.xml (errors name that line).
std::string node_with(const std::string& inner) {
  return "<ResourcesList>\n<ComputeNode Name=\"n1\">\n" + inner + "\n</ComputeNode></ResourcesList>";
}

}  // namespace

TEST(ConfigNodeResources, EveryElementOfTheSchema) {
  auto nodes = config::parse_resources(full_node, "resources.xml");
  ASSERT_EQ(nodes.size(), 2U);
  const sched::Resources& r = nodes[0].described;
  ASSERT_EQ(r.processors.size(), 3U);
  const sched::Processor& cpu = r.processors[0];
  EXPECT_EQ(cpu.type, sched::ProcessorType::cpu);
  EXPECT_EQ(cpu.units, 16U);
  EXPECT_EQ(cpu.name, "Xeon");
  EXPECT_EQ(cpu.architecture, "x86_64");
  EXPECT_DOUBLE_EQ(cpu.speed_ghz, 2.6);
  EXPECT_DOUBLE_EQ(cpu.performance, 50);
  const sched::Processor& gpu = r.processors[1];
  EXPECT_EQ(gpu.type, sched::ProcessorType::gpu);
  EXPECT_EQ(gpu.units, 2U);
  EXPECT_DOUBLE_EQ(gpu.internal_memory_gb, 40);
  EXPECT_EQ(r.processors[2].type, sched::ProcessorType::fpga);
  EXPECT_EQ(r.processors[2].units, 1U);
  EXPECT_DOUBLE_EQ(r.memory_gb, 8);
  EXPECT_EQ(r.memory_type, "DRAM");
  EXPECT_DOUBLE_EQ(r.storage_gb, 240);
  EXPECT_EQ(r.storage_type, "SSD");
  EXPECT_DOUBLE_EQ(r.storage_bandwidth, 500);
  EXPECT_EQ(r.os_type, "Linux");
  EXPECT_EQ(r.os_distribution, "debian");
  EXPECT_EQ(r.os_version, "12");
  EXPECT_EQ(r.software, (std::vector<std::string>{"BLAST", "PYTHON"}));
  EXPECT_EQ(r.queues, (std::vector<std::string>{"debug", "bsc"}));
  EXPECT_EQ(r.capacity().cpus(), 16U);
  EXPECT_EQ(r.capacity().gpus(), 2U);
  EXPECT_EQ(r.capacity().memory_mb, 8U * 1024);

  // A bare node offers one CPU unit and declares nothing else.
  const sched::Resources& bare = nodes[1].described;
  EXPECT_EQ(bare.units(sched::ProcessorType::cpu), 1U);
  EXPECT_DOUBLE_EQ(bare.memory_gb, 0);
}

TEST(ConfigNodeResources, ConstraintsAgainstTheDeclaredNode) {
  auto nodes = config::parse_resources(full_node, "resources.xml");
  const sched::Resources& r = nodes[0].described;
  auto fits = [&](std::vector<detail::Constraint> pairs) {
    return sched::fits_total(sched::parse_constraints("t", pairs.data(), pairs.size()), r);
  };
  EXPECT_TRUE(fits({{"processor_type", "GPU"}, {"processor_architecture", "ampere"},
                    {"processor_internal_memory_size", "32"}}));
  EXPECT_TRUE(fits({{"memory_size", "6"}, {"memory_type", "dram"}, {"storage_type", "SSD"},
                    {"operating_system_distribution", "debian"}, {"app_software", "blast"},
                    {"host_queues", "bsc"}, {"processor_performance", "50"}}));
  EXPECT_FALSE(fits({{"memory_size", "9"}}));
  EXPECT_FALSE(fits({{"host_queues", "long"}}));
  EXPECT_FALSE(fits({{"processor_type", "GPU"}, {"computing_units", "3"}}));
}

TEST(ConfigNodeResources, BadValuesNameFileNodeAndElement) {
  struct Bad {
    std::string inner;
    const char* expect;
  };
  const Bad cases[] = {
      {"<Processor><Speed>fast</Speed></Processor>", "Processor/Speed: expected a number >= 0, got 'fast'"},
      {"<Processor><InternalMemorySize>-4</InternalMemorySize></Processor>",
       "Processor/InternalMemorySize: expected a number >= 0, got '-4'"},
      {"<Processor><Type>TPU</Type></Processor>", "Processor/Type: expected CPU, GPU, FPGA or OTHER, got 'TPU'"},
      {"<Processor><ComputingUnits>0</ComputingUnits></Processor>",
       "Processor/ComputingUnits: expected a whole number from 1 to 65536, got '0'"},
      {"<Memory><Size>0</Size></Memory>", "Memory/Size: expected a positive number, got '0'"},
      {"<Memory><Size>inf</Size></Memory>", "Memory/Size: expected a positive number, got 'inf'"},
      {"<Processor><ProcessorProperty><Key>Performance</Key><Value>high</Value></ProcessorProperty></Processor>",
       "ProcessorProperty 'Performance': expected a number >= 0, got 'high'"},
      {"<Storage><Size>big</Size></Storage>", "Storage/Size: expected a number >= 0, got 'big'"},
      {"<Storage><Bandwidth>x</Bandwidth></Storage>", "Storage/Bandwidth: expected a number >= 0, got 'x'"},
  };
  for (const Bad& b : cases) {
    std::string msg = error_of(node_with(b.inner));
    EXPECT_NE(msg.find("resources.xml:3: ComputeNode 'n1': "), std::string::npos) << msg;
    EXPECT_NE(msg.find(b.expect), std::string::npos) << msg;
  }
}
