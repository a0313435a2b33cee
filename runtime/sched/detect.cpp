#include "sched/detect.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <compss/error.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <thread>

namespace compss::sched {

namespace {

std::string read_text(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The value of `KEY="value"` or `KEY=value` in /etc/os-release.
std::string os_release_field(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + "=", 0) != 0) continue;
    std::string v = line.substr(key.size() + 1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  return {};
}

}  // namespace

double memory_gb_variable(const char* name, const std::string& value, const char* meaning) {
  double gb = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), gb);
  // from_chars takes "inf" and "nan": neither is a size (and converting them to a whole
  // number of bytes is undefined), so only finite values up to max_memory_gb pass.
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(gb) ||
      !(gb > 0) || gb > max_memory_gb) {
    throw Error(std::string("compss: invalid ") + name + "='" + value + "': expected " + meaning +
                " in GB, a finite positive number of at most " +
                std::to_string(static_cast<std::uint64_t>(max_memory_gb)) + " (e.g. 8 or 0.5)");
  }
  return gb;
}

double memory_gb_from_meminfo(const std::string& meminfo) {
  std::istringstream in(meminfo);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    unsigned long long kb = 0;
    std::string unit;
    if (fields >> key >> kb >> unit && key == "MemTotal:" && unit == "kB") {
      return static_cast<double>(kb) / (1024.0 * 1024.0);
    }
  }
  return 0;
}

Resources detect_local_resources(unsigned cores) {
  Resources r;
  Processor cpu;
  cpu.type = ProcessorType::cpu;
  cpu.units = cores != 0 ? cores : std::max(1U, std::thread::hardware_concurrency());
  struct utsname u {};
  if (uname(&u) == 0) {
    cpu.architecture = u.machine;
    r.os_type = u.sysname;
  }
  r.processors.push_back(cpu);
  r.memory_gb = memory_gb_from_meminfo(read_text("/proc/meminfo"));
  if (r.memory_gb == 0) {
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0) {
      r.memory_gb = static_cast<double>(pages) * static_cast<double>(page) / (1024.0 * 1024.0 * 1024.0);
    }
  }
  std::string os = read_text("/etc/os-release");
  r.os_distribution = os_release_field(os, "ID");
  r.os_version = os_release_field(os, "VERSION_ID");
  r.is_master = true;
  return r;
}

}  // namespace compss::sched
