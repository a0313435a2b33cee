#include "sched/resources.hpp"

#include <cctype>
#include <cmath>

namespace compss::sched {

namespace {
constexpr const char* type_names[processor_type_count] = {"CPU", "GPU", "FPGA", "OTHER"};
}  // namespace

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

const char* processor_type_name(ProcessorType t) noexcept {
  return type_names[static_cast<int>(t)];
}

bool parse_processor_type(std::string_view text, ProcessorType& out) noexcept {
  for (int i = 0; i < processor_type_count; ++i) {
    if (equal_ignoring_case(text, type_names[i])) {
      out = static_cast<ProcessorType>(i);
      return true;
    }
  }
  return false;
}

Capacity& Capacity::operator-=(const Capacity& d) noexcept {
  for (int i = 0; i < processor_type_count; ++i) units[i] -= d.units[i];
  memory_mb -= d.memory_mb;
  storage_mb -= d.storage_mb;
  return *this;
}

Capacity& Capacity::operator+=(const Capacity& d) noexcept {
  for (int i = 0; i < processor_type_count; ++i) units[i] += d.units[i];
  memory_mb += d.memory_mb;
  storage_mb += d.storage_mb;
  return *this;
}

std::uint64_t gb_to_mb(double gb) noexcept {
  if (!(gb > 0)) return 0;
  return static_cast<std::uint64_t>(std::ceil(gb * 1024.0 - 1e-9));
}

std::uint32_t Resources::units(ProcessorType t) const noexcept {
  std::uint32_t n = 0;
  for (const Processor& p : processors) {
    if (p.type == t) n += p.units;
  }
  return n;
}

Capacity Resources::capacity() const noexcept {
  Capacity c;
  for (const Processor& p : processors) c.units[static_cast<int>(p.type)] += p.units;
  c.memory_mb = gb_to_mb(memory_gb);
  c.storage_mb = gb_to_mb(storage_gb);
  return c;
}

}  // namespace compss::sched
