// Constraints of a task against a node's resources (runtime/sched/constraints.hpp,
// resources.hpp, detect.hpp): parsing every key of SPEC section 2, "$VAR" values, clear
// errors, fits now (free) vs ever (total) per key, and the "can never run" diagnosis.
#include "sched/constraints.hpp"
#include "sched/detect.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace compss::sched;
using compss::detail::Constraint;

namespace {

Constraints parse(std::vector<Constraint> pairs, std::map<std::string, std::string> env = {}) {
  return parse_constraints("work", pairs.data(), pairs.size(),
                           [env](const std::string& name) -> std::optional<std::string> {
                             auto it = env.find(name);
                             if (it == env.end()) return std::nullopt;
                             return it->second;
                           });
}

std::string parse_error(std::vector<Constraint> pairs) {
  try {
    parse(std::move(pairs));
  } catch (const compss::Error& e) {
    return e.what();
  }
  return "no error";
}

/// A node that satisfies every descriptive key the tests below ask for.
Resources rich_node() {
  Resources r;
  r.processors.push_back({.type = ProcessorType::cpu, .units = 8, .name = "Xeon",
                          .architecture = "x86_64", .speed_ghz = 2.6, .performance = 50,
                          .internal_memory_gb = 0});
  r.processors.push_back({.type = ProcessorType::gpu, .units = 2, .name = "A100",
                          .architecture = "ampere", .speed_ghz = 1.4, .performance = 300,
                          .internal_memory_gb = 40});
  r.processors.push_back({.type = ProcessorType::fpga, .units = 1, .name = "U280"});
  r.memory_gb = 16;
  r.memory_type = "DRAM";
  r.storage_gb = 500;
  r.storage_type = "SSD";
  r.os_type = "Linux";
  r.os_distribution = "debian";
  r.os_version = "12";
  r.software = {"python", "blast"};
  r.queues = {"debug", "bsc"};
  r.wall_clock_limit = 3600;
  return r;
}

struct KeyCase {
  std::vector<Constraint> fits;     ///< satisfied by rich_node()
  std::vector<Constraint> no_fit;   ///< not satisfied by rich_node()
  const char* key;                  ///< the key never_fits names
};

}  // namespace

TEST(Constraints, DefaultIsOneCpuAndUnconstrained) {
  Constraints c = parse({});
  EXPECT_TRUE(c.unconstrained());
  EXPECT_EQ(c.demand.cpus(), 1U);
  EXPECT_FALSE(parse({{"memory_size", "1"}}).unconstrained());
  EXPECT_FALSE(parse({{"computing_units", "2"}}).unconstrained());
  EXPECT_FALSE(parse({{"app_software", "blast"}}).unconstrained());
}

TEST(Constraints, EveryKeyParses) {
  Constraints c = parse({{"computing_units", "4"},
                         {"memory_size", "6"},
                         {"memory_type", "DRAM"},
                         {"processor_type", "GPU"},
                         {"processor_architecture", "ampere"},
                         {"processor_name", "A100"},
                         {"processor_speed", "1.2"},
                         {"processor_performance", "100"},
                         {"processor_internal_memory_size", "16"},
                         {"storage_size", "10"},
                         {"storage_type", "SSD"},
                         {"operating_system_type", "Linux"},
                         {"operating_system_distribution", "debian"},
                         {"operating_system_version", "12"},
                         {"app_software", "python, blast"},
                         {"host_queues", "debug,bsc"},
                         {"wall_clock_limit", "60"},
                         {"is_local", "false"}});
  EXPECT_EQ(c.demand.gpus(), 4U);
  EXPECT_EQ(c.demand.cpus(), 0U);
  EXPECT_EQ(c.demand.memory_mb, 6U * 1024);
  EXPECT_EQ(c.demand.storage_mb, 10U * 1024);
  EXPECT_EQ(c.processor_architecture, "ampere");
  EXPECT_EQ(c.processor_name, "A100");
  EXPECT_DOUBLE_EQ(c.processor_speed, 1.2);
  EXPECT_DOUBLE_EQ(c.processor_performance, 100);
  EXPECT_DOUBLE_EQ(c.processor_internal_memory_gb, 16);
  EXPECT_EQ(c.app_software, (std::vector<std::string>{"python", "blast"}));
  EXPECT_EQ(c.host_queues, (std::vector<std::string>{"debug", "bsc"}));
  EXPECT_DOUBLE_EQ(c.wall_clock_limit, 60);
  EXPECT_EQ(c.memory_type, "DRAM");
  EXPECT_EQ(c.storage_type, "SSD");
  EXPECT_EQ(c.os_type, "Linux");
  EXPECT_EQ(c.os_distribution, "debian");
  EXPECT_EQ(c.os_version, "12");
  EXPECT_FALSE(c.is_local);
  EXPECT_TRUE(parse({{"is_local", "true"}}).is_local);
  // Aliases, and the processors list.
  EXPECT_EQ(parse({{"cores", "3"}, {"memory", "0.5"}}).demand,
            (Capacity{.units = {3, 0, 0, 0}, .memory_mb = 512, .storage_mb = 0}));
  Constraints multi = parse({{"processors", "CPU:4, GPU:1,fpga"}});
  EXPECT_EQ(multi.demand.cpus(), 4U);
  EXPECT_EQ(multi.demand.gpus(), 1U);
  EXPECT_EQ(multi.demand.units[2], 1U);
}

TEST(Constraints, ValuesFromTheEnvironment) {
  Constraints c = parse({{"memory_size", "$MEM"}, {"computing_units", "${CU}"},
                         {"processor_type", "$KIND"}},
                        {{"MEM", "6"}, {"CU", "2"}, {"KIND", "gpu"}});
  EXPECT_EQ(c.demand.memory_mb, 6U * 1024);
  EXPECT_EQ(c.demand.gpus(), 2U);
  std::string unset = parse_error({{"memory_size", "$NOT_SET_ANYWHERE"}});
  EXPECT_NE(unset.find("task 'work'"), std::string::npos) << unset;
  EXPECT_NE(unset.find("memory_size='$NOT_SET_ANYWHERE'"), std::string::npos) << unset;
  EXPECT_NE(unset.find("NOT_SET_ANYWHERE is not set"), std::string::npos) << unset;
  // A variable whose value is bad shows both what was written and what it read.
  try {
    parse({{"computing_units", "$CU"}}, {{"CU", "many"}});
    FAIL() << "no error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("computing_units='$CU' (= 'many')"), std::string::npos)
        << e.what();
  }
}

TEST(Constraints, BadValuesNameTaskKeyAndValue) {
  struct Bad {
    std::vector<Constraint> pairs;
    const char* expect;
  };
  const Bad cases[] = {
      {{{"computing_units", "0"}}, "constraint computing_units='0': expected a whole number >= 1"},
      {{{"computing_units", "two"}}, "computing_units='two'"},
      {{{"memory_size", "-1"}}, "memory_size='-1': expected a number >= 0"},
      {{{"memory_size", "6GB"}}, "memory_size='6GB'"},
      {{{"processor_type", "TPU"}}, "processor_type='TPU': expected CPU, GPU, FPGA or OTHER"},
      {{{"processors", "CPU:x"}}, "processors='CPU:x'"},
      {{{"processors", "QPU:1"}}, "processors='QPU:1'"},
      {{{"is_local", "maybe"}}, "is_local='maybe': expected true or false"},
      {{{"gpu_count", "1"}}, "gpu_count='1': unknown constraint key"},
      {{{"processor_name", " "}}, "processor_name=' ': expected a non-empty value"},
      {{{"processors", "CPU:2"}, {"computing_units", "2"}}, "cannot be combined"},
  };
  for (const Bad& b : cases) {
    std::string msg = parse_error(b.pairs);
    EXPECT_NE(msg.find("task 'work'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(b.expect), std::string::npos) << msg;
  }
}

TEST(Constraints, EveryKeyFitsOrNot) {
  const KeyCase cases[] = {
      {{{"computing_units", "8"}}, {{"computing_units", "9"}}, "computing_units"},
      {{{"memory_size", "16"}}, {{"memory_size", "16.5"}}, "memory_size"},
      {{{"memory_type", "dram"}}, {{"memory_type", "HBM"}}, "memory_type"},
      {{{"processor_type", "GPU"}, {"computing_units", "2"}},
       {{"processor_type", "GPU"}, {"computing_units", "3"}}, "computing_units"},
      {{{"processor_type", "FPGA"}}, {{"processor_type", "OTHER"}}, "computing_units"},
      {{{"processor_architecture", "x86_64"}}, {{"processor_architecture", "arm"}},
       "processor_architecture"},
      {{{"processor_type", "GPU"}, {"processor_architecture", "ampere"}},
       {{"processor_type", "GPU"}, {"processor_architecture", "x86_64"}}, "processor_architecture"},
      {{{"processor_name", "Xeon"}}, {{"processor_name", "EPYC"}}, "processor_name"},
      {{{"processor_speed", "2.6"}}, {{"processor_speed", "3"}}, "processor_speed"},
      {{{"processor_performance", "50"}}, {{"processor_performance", "51"}}, "processor_performance"},
      {{{"processor_type", "GPU"}, {"processor_internal_memory_size", "40"}},
       {{"processor_type", "GPU"}, {"processor_internal_memory_size", "80"}},
       "processor_internal_memory_size"},
      {{{"processors", "CPU:8,GPU:2,FPGA:1"}}, {{"processors", "CPU:1,GPU:3"}}, "processors"},
      {{{"storage_size", "500"}}, {{"storage_size", "501"}}, "storage_size"},
      {{{"storage_type", "SSD"}}, {{"storage_type", "HDD"}}, "storage_type"},
      {{{"operating_system_type", "linux"}}, {{"operating_system_type", "Windows"}},
       "operating_system_type"},
      {{{"operating_system_distribution", "Debian"}}, {{"operating_system_distribution", "rhel"}},
       "operating_system_distribution"},
      {{{"operating_system_version", "12"}}, {{"operating_system_version", "11"}},
       "operating_system_version"},
      {{{"app_software", "blast,python"}}, {{"app_software", "python,gromacs"}}, "app_software"},
      {{{"host_queues", "other,bsc"}}, {{"host_queues", "long"}}, "host_queues"},
      {{{"wall_clock_limit", "3600"}}, {{"wall_clock_limit", "7200"}}, "wall_clock_limit"},
      {{{"is_local", "false"}}, {{"is_local", "true"}}, "is_local"},
  };
  const Resources node = rich_node();
  const Capacity all = node.capacity();
  for (const KeyCase& k : cases) {
    Constraints yes = parse(k.fits);
    Constraints no = parse(k.no_fit);
    EXPECT_TRUE(fits_total(yes, node)) << k.key;
    EXPECT_TRUE(fits(yes, node, all)) << k.key;
    EXPECT_TRUE(mismatches(yes, node).empty()) << k.key;
    EXPECT_FALSE(fits_total(no, node)) << k.key;
    EXPECT_FALSE(fits(no, node, all)) << k.key;
    std::vector<Mismatch> m = mismatches(no, node);
    ASSERT_EQ(m.size(), 1U) << k.key;
    EXPECT_EQ(m[0].key, k.key);
  }
  // is_local fits the master's node.
  Resources master = node;
  master.is_master = true;
  EXPECT_TRUE(fits_total(parse({{"is_local", "true"}}), master));
  // A node that declares no wall-clock limit allows any.
  Resources unlimited = node;
  unlimited.wall_clock_limit = 0;
  EXPECT_TRUE(fits_total(parse({{"wall_clock_limit", "1e9"}}), unlimited));
}

TEST(Constraints, FreeCapacityDecidesNowTotalDecidesEver) {
  const Resources node = rich_node();
  struct Consumable {
    std::vector<Constraint> pairs;
    Capacity used;  ///< what running tasks hold
  };
  const Consumable cases[] = {
      {{{"computing_units", "4"}}, Capacity{.units = {5, 0, 0, 0}}},
      {{{"processor_type", "GPU"}}, Capacity{.units = {0, 2, 0, 0}}},
      {{{"processor_type", "FPGA"}}, Capacity{.units = {0, 0, 1, 0}}},
      {{{"memory_size", "6"}}, Capacity{.units = {0, 0, 0, 0}, .memory_mb = 11 * 1024}},
      {{{"storage_size", "100"}}, Capacity{.units = {0, 0, 0, 0}, .memory_mb = 0, .storage_mb = 450 * 1024}},
  };
  for (const Consumable& k : cases) {
    Constraints c = parse(k.pairs);
    Capacity free = node.capacity();
    EXPECT_TRUE(fits(c, node, free)) << k.pairs[0].key;
    free -= k.used;
    EXPECT_FALSE(fits(c, node, free)) << k.pairs[0].key;
    EXPECT_TRUE(fits_total(c, node)) << k.pairs[0].key;
  }
}

TEST(Constraints, NeverFitsNamesTaskKeyAskedAndBestNode) {
  Resources small = rich_node();
  small.memory_gb = 4;
  small.processors.resize(1);
  Resources big = rich_node();  // 16 GB
  std::string a = "small-node", b = "big-node";
  const NamedResources nodes[] = {{&a, &small}, {&b, &big}};
  Constraints c = parse({{"memory_size", "64"}});
  const Constraints* versions[] = {&c};
  auto msg = never_fits("assemble", versions, nodes);
  ASSERT_TRUE(msg.has_value());
  EXPECT_NE(msg->find("task 'assemble' can never run"), std::string::npos) << *msg;
  EXPECT_NE(msg->find("memory_size=64 GB"), std::string::npos) << *msg;
  // Both nodes fail one key; the first of them is named, with its value.
  EXPECT_NE(msg->find("best node 'small-node' has 4 GB"), std::string::npos) << *msg;

  // The node failing fewest keys is the one named.
  Constraints gpu = parse({{"processor_type", "GPU"}, {"memory_size", "8"}});
  const Constraints* gv[] = {&gpu};
  auto m2 = never_fits("train", gv, std::span(nodes, 1));
  ASSERT_TRUE(m2.has_value());
  EXPECT_NE(m2->find("computing_units=1 GPU units (best node 'small-node' has 0 GPU units)"),
            std::string::npos) << *m2;
  EXPECT_NE(m2->find("memory_size=8 GB (best node 'small-node' has 4 GB)"), std::string::npos) << *m2;

  // Any version that fits some node: no error.
  const Constraints* both[] = {&c, &gpu};
  EXPECT_FALSE(never_fits("train", both, nodes).has_value());
}

TEST(Detect, MeminfoAndLocalMachine) {
  EXPECT_DOUBLE_EQ(memory_gb_from_meminfo("MemFree: 10 kB\nMemTotal:  8388608 kB\n"), 8.0);
  EXPECT_DOUBLE_EQ(memory_gb_from_meminfo("nothing here\n"), 0.0);
  Resources me = detect_local_resources();
  EXPECT_GE(me.units(ProcessorType::cpu), 1U);
  EXPECT_GT(me.memory_gb, 0.0);
  ASSERT_FALSE(me.processors.empty());
  EXPECT_FALSE(me.processors[0].architecture.empty());
  EXPECT_TRUE(me.is_master);
  EXPECT_EQ(detect_local_resources(3).units(ProcessorType::cpu), 3U);
}
