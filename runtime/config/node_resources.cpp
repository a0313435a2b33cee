#include "config/node_resources.hpp"

#include <compss/detail/config.hpp>
#include <compss/error.hpp>

#include <boost/property_tree/ptree.hpp>

#include <charconv>
#include <cmath>

namespace compss::config {

namespace pt = boost::property_tree;

namespace {

std::string text_of(const pt::ptree& t) {
  const std::string& s = t.data();
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

/// The trimmed text of child `path`, or "" when absent.
std::string child_text(const pt::ptree& t, const char* path) {
  auto c = t.get_child_optional(path);
  return c ? text_of(*c) : std::string();
}

/// Child `path` as a number >= 0 (> 0 when `positive`); `fallback` when absent.
double child_number(const pt::ptree& t, const char* path, const XmlPlace& where,
                    const std::string& element, double fallback, bool positive = false) {
  auto c = t.get_child_optional(path);
  if (!c) return fallback;
  std::string v = text_of(*c);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !(d >= 0) || (positive && !(d > 0)) ||
      !std::isfinite(d)) {
    where.fail(*c, element, std::string(positive ? "expected a positive number" : "expected a number >= 0") +
                                ", got '" + v + "'");
  }
  return d;
}

sched::Processor processor(const pt::ptree& p, const XmlPlace& where) {
  sched::Processor out;
  out.name = p.get<std::string>("<xmlattr>.Name", "");
  if (auto type = p.get_child_optional("Type")) {
    if (!sched::parse_processor_type(text_of(*type), out.type)) {
      where.fail(*type, "Processor/Type", "expected CPU, GPU, FPGA or OTHER, got '" + text_of(*type) + "'");
    }
  }
  if (auto units = p.get_child_optional("ComputingUnits")) {
    auto n = detail::parse_whole_number(text_of(*units), 1, detail::max_worker_cores);
    if (!n) {
      where.fail(*units, "Processor/ComputingUnits",
                 detail::whole_number_expected(1, detail::max_worker_cores) + ", got '" + text_of(*units) + "'");
    }
    out.units = static_cast<std::uint32_t>(*n);
  }
  out.architecture = child_text(p, "Architecture");
  out.speed_ghz = child_number(p, "Speed", where, "Processor/Speed", 0);
  out.internal_memory_gb = child_number(p, "InternalMemorySize", where, "Processor/InternalMemorySize", 0);
  // Performance has no element of its own in the schema: a ProcessorProperty carries it.
  out.performance = child_number(p, "Performance", where, "Processor/Performance", 0);
  for (const auto& [tag, prop] : p) {
    if (tag == "ProcessorProperty" && sched::equal_ignoring_case(child_text(prop, "Key"), "performance")) {
      out.performance = child_number(prop, "Value", where, "ProcessorProperty 'Performance'", 0);
    }
  }
  return out;
}

}  // namespace

sched::Resources node_resources(const pt::ptree& node, const XmlPlace& where) {
  sched::Resources r;
  for (const auto& [tag, child] : node) {
    if (tag == "Processor") {
      r.processors.push_back(processor(child, where));
    } else if (tag == "Memory") {
      r.memory_gb = child_number(child, "Size", where, "Memory/Size", 0, /*positive=*/true);
      r.memory_type = child_text(child, "Type");
    } else if (tag == "Storage") {
      r.storage_gb = child_number(child, "Size", where, "Storage/Size", 0);
      r.storage_type = child_text(child, "Type");
      r.storage_bandwidth = child_number(child, "Bandwidth", where, "Storage/Bandwidth", 0);
    } else if (tag == "OperatingSystem") {
      r.os_type = child_text(child, "Type");
      r.os_distribution = child_text(child, "Distribution");
      r.os_version = child_text(child, "Version");
    } else if (tag == "Software") {
      for (const auto& [t, app] : child) {
        if (t == "Application") r.software.push_back(text_of(app));
      }
    } else if (tag == "Adaptors") {
      for (const auto& [t, adaptor] : child) {
        auto batch = adaptor.get_child_optional("SubmissionSystem.Batch");
        if (t != "Adaptor" || !batch) continue;
        for (const auto& [q, queue] : *batch) {
          if (q == "Queue") r.queues.push_back(text_of(queue));
        }
      }
    }
  }
  // A node that lists no processor has one CPU unit, as ResourceNode::cores() says.
  if (r.processors.empty()) r.processors.push_back({});
  return r;
}

}  // namespace compss::config
