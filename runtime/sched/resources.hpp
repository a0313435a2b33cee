// What a node offers (SPEC section 2, the constraint keys' node side): the consumable part
// (`Capacity`: processing units by type, memory, storage), which running tasks reserve,
// and the descriptive part (processors' properties, memory/storage types, operating
// system, software, queues, wall-clock limit), which only has to match.
// Sources: detection of the local machine (detect.hpp), resources.xml
// (config/node_resources.cpp), later each worker's own report.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace compss::sched {

enum class ProcessorType : std::uint8_t { cpu, gpu, fpga, other };
inline constexpr int processor_type_count = 4;

/// "CPU", "GPU", "FPGA", "OTHER".
const char* processor_type_name(ProcessorType t) noexcept;
/// Parses a type name, case-insensitive; false when it is none of the four.
bool parse_processor_type(std::string_view text, ProcessorType& out) noexcept;
/// ASCII case-insensitive equality (names in constraints and resources.xml: "gpu" is "GPU").
bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

/// The amounts tasks reserve while they run. Memory and storage are whole megabytes so that
/// reserving and releasing never drift (the keys are in GB: 6 GB is 6144 MB).
///
///   Capacity free = node.total.capacity();
///   if (free.covers(demand)) free -= demand;
struct Capacity {
  std::uint32_t units[processor_type_count] = {0, 0, 0, 0};  ///< by ProcessorType
  std::uint64_t memory_mb = 0;
  std::uint64_t storage_mb = 0;

  std::uint32_t& cpus() noexcept { return units[0]; }
  std::uint32_t cpus() const noexcept { return units[0]; }
  std::uint32_t gpus() const noexcept { return units[1]; }

  bool covers(const Capacity& d) const noexcept {
    return units[0] >= d.units[0] && units[1] >= d.units[1] && units[2] >= d.units[2] &&
           units[3] >= d.units[3] && memory_mb >= d.memory_mb && storage_mb >= d.storage_mb;
  }
  Capacity& operator-=(const Capacity& d) noexcept;
  Capacity& operator+=(const Capacity& d) noexcept;
  friend bool operator==(const Capacity&, const Capacity&) = default;
};

/// GB as written in a constraint or in resources.xml, to whole MB (rounded up: a task that
/// asks 0.0001 GB still reserves something).
std::uint64_t gb_to_mb(double gb) noexcept;

/// One processor of a node (resources.xml <Processor>). Unknown numbers are 0.
struct Processor {
  ProcessorType type = ProcessorType::cpu;
  std::uint32_t units = 1;  ///< computing units (cores, GPU devices, FPGAs)
  std::string name;
  std::string architecture;
  double speed_ghz = 0;
  double performance = 0;          ///< a number compared with processor_performance
  double internal_memory_gb = 0;   ///< a GPU's own memory, for instance
};

/// Everything a node offers. Empty strings and zero numbers mean "not declared": a task
/// that asks for a property the node does not declare does not fit there.
///
///   Resources r;
///   r.processors.push_back({.type = ProcessorType::cpu, .units = 8});
///   r.memory_gb = 8;
struct Resources {
  std::vector<Processor> processors;
  double memory_gb = 0;
  std::string memory_type;
  double storage_gb = 0;
  std::string storage_type;
  double storage_bandwidth = 0;  ///< MB/s, descriptive only
  std::string os_type;
  std::string os_distribution;
  std::string os_version;
  std::vector<std::string> software;  ///< installed applications (app_software)
  std::vector<std::string> queues;    ///< batch queues of its submission system (host_queues)
  double wall_clock_limit = 0;        ///< seconds a task may run there; 0 is unlimited
  bool is_master = false;             ///< the master's own node (is_local)

  /// Sum of the units of the processors of type `t`.
  std::uint32_t units(ProcessorType t) const noexcept;
  /// The consumable totals: units by type, memory, storage.
  Capacity capacity() const noexcept;
};

}  // namespace compss::sched
