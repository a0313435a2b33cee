#include "sched/constraints.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace compss::sched {

namespace {

/// Error context of one pair: "compss: task 't': constraint k=v: ".
struct Pair {
  const std::string& task;
  std::string key;
  std::string written;  ///< the value as written ("$MEM" stays "$MEM")
  std::string value;    ///< after "$VAR" is read
  [[noreturn]] void fail(const std::string& what) const {
    std::string shown = written == value ? "'" + value + "'"
                                         : "'" + written + "' (= '" + value + "')";
    throw Error("compss: task '" + task + "': constraint " + key + "=" + shown + ": " + what);
  }
};

std::string trimmed(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

double number(const Pair& p) {
  std::string v = trimmed(p.value);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !(d >= 0)) {
    p.fail("expected a number >= 0");
  }
  return d;
}

std::uint32_t whole(const Pair& p, std::string_view text) {
  std::string v = trimmed(text);
  std::uint32_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n == 0) {
    p.fail("expected a whole number >= 1");
  }
  return n;
}

std::vector<std::string> list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item = trimmed(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

/// `processors="CPU:4,GPU:1"`: one TYPE:units request per item.
std::vector<ProcessorRequest> processor_list(const Pair& p) {
  std::vector<ProcessorRequest> out;
  for (const std::string& item : list(p.value)) {
    std::size_t colon = item.find(':');
    ProcessorRequest r;
    if (!parse_processor_type(trimmed(item.substr(0, colon)), r.type)) {
      p.fail("expected TYPE:units items with TYPE one of CPU, GPU, FPGA, OTHER (e.g. \"CPU:4,GPU:1\")");
    }
    r.units = colon == std::string::npos ? 1 : whole(p, item.substr(colon + 1));
    out.push_back(r);
  }
  if (out.empty()) p.fail("expected at least one TYPE:units item (e.g. \"CPU:4,GPU:1\")");
  return out;
}

bool boolean(const Pair& p) {
  std::string v = trimmed(p.value);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  p.fail("expected true or false");
}

std::string text(const Pair& p) {
  std::string v = trimmed(p.value);
  if (v.empty()) p.fail("expected a non-empty value");
  return v;
}

std::string gb(double v) {
  std::ostringstream s;
  s << v << " GB";
  return s.str();
}

std::string shown(double v, const char* unit = "") {
  std::ostringstream s;
  s << v << unit;
  return s.str();
}

const std::string& or_none(const std::string& s) {
  static const std::string none = "none declared";
  return s.empty() ? none : s;
}

bool contains_ignoring_case(const std::vector<std::string>& have, const std::string& want) {
  return std::any_of(have.begin(), have.end(),
                     [&](const std::string& h) { return equal_ignoring_case(h, want); });
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ",") + i;
  return s.empty() ? "none declared" : s;
}

/// The processor properties hold for some processor of the main requested type.
bool processor_matches(const Constraints& c, const Processor& p) {
  return p.type == c.processors.front().type &&
         (c.processor_architecture.empty() ||
          equal_ignoring_case(c.processor_architecture, p.architecture)) &&
         (c.processor_name.empty() || equal_ignoring_case(c.processor_name, p.name)) &&
         p.speed_ghz >= c.processor_speed && p.performance >= c.processor_performance &&
         p.internal_memory_gb >= c.processor_internal_memory_gb;
}

bool has_processor_properties(const Constraints& c) {
  return !c.processor_architecture.empty() || !c.processor_name.empty() ||
         c.processor_speed > 0 || c.processor_performance > 0 ||
         c.processor_internal_memory_gb > 0;
}

/// Appends what the node's processors of the main type fail, one entry per property.
void processor_mismatches(const Constraints& c, const Resources& r, std::vector<Mismatch>& out) {
  if (!has_processor_properties(c)) return;
  for (const Processor& p : r.processors) {
    if (processor_matches(c, p)) return;
  }
  // No single processor has them all: name each property none of them has.
  const std::size_t before = out.size();
  ProcessorType type = c.processors.front().type;
  auto report = [&](const char* key, const std::string& asked, auto holds, auto offered) {
    std::string values;
    for (const Processor& p : r.processors) {
      if (p.type != type) continue;
      if (holds(p)) return;
      values += (values.empty() ? "" : ",") + offered(p);
    }
    out.push_back({key, asked, values.empty() ? std::string("no ") + processor_type_name(type) : values});
  };
  if (!c.processor_architecture.empty()) {
    report("processor_architecture", c.processor_architecture,
           [&](const Processor& p) { return equal_ignoring_case(c.processor_architecture, p.architecture); },
           [](const Processor& p) { return or_none(p.architecture); });
  }
  if (!c.processor_name.empty()) {
    report("processor_name", c.processor_name,
           [&](const Processor& p) { return equal_ignoring_case(c.processor_name, p.name); },
           [](const Processor& p) { return or_none(p.name); });
  }
  if (c.processor_speed > 0) {
    report("processor_speed", shown(c.processor_speed, " GHz"),
           [&](const Processor& p) { return p.speed_ghz >= c.processor_speed; },
           [](const Processor& p) { return shown(p.speed_ghz, " GHz"); });
  }
  if (c.processor_performance > 0) {
    report("processor_performance", shown(c.processor_performance),
           [&](const Processor& p) { return p.performance >= c.processor_performance; },
           [](const Processor& p) { return shown(p.performance); });
  }
  if (c.processor_internal_memory_gb > 0) {
    report("processor_internal_memory_size", gb(c.processor_internal_memory_gb),
           [&](const Processor& p) { return p.internal_memory_gb >= c.processor_internal_memory_gb; },
           [](const Processor& p) { return gb(p.internal_memory_gb); });
  }
  if (out.size() == before) {
    // Each property is held by some processor, never all by one.
    out.push_back({"processor_*", "one processor with all the processor properties",
                   "they are spread over different processors"});
  }
}

/// The descriptive keys the node fails (no capacity).
void property_mismatches(const Constraints& c, const Resources& r, std::vector<Mismatch>& out) {
  processor_mismatches(c, r, out);
  auto same = [&](const char* key, const std::string& asked, const std::string& has) {
    if (!asked.empty() && !equal_ignoring_case(asked, has)) out.push_back({key, asked, or_none(has)});
  };
  same("memory_type", c.memory_type, r.memory_type);
  same("storage_type", c.storage_type, r.storage_type);
  same("operating_system_type", c.os_type, r.os_type);
  same("operating_system_distribution", c.os_distribution, r.os_distribution);
  same("operating_system_version", c.os_version, r.os_version);
  for (const std::string& app : c.app_software) {
    if (!contains_ignoring_case(r.software, app)) out.push_back({"app_software", app, joined(r.software)});
  }
  if (!c.host_queues.empty() &&
      std::none_of(c.host_queues.begin(), c.host_queues.end(),
                   [&](const std::string& q) { return contains_ignoring_case(r.queues, q); })) {
    out.push_back({"host_queues", joined(c.host_queues), joined(r.queues)});
  }
  if (c.wall_clock_limit > 0 && r.wall_clock_limit > 0 && r.wall_clock_limit < c.wall_clock_limit) {
    out.push_back({"wall_clock_limit", shown(c.wall_clock_limit, " s"), shown(r.wall_clock_limit, " s")});
  }
  if (c.is_local && !r.is_master) out.push_back({"is_local", "true", "not the master's node"});
}

void capacity_mismatches(const Constraints& c, const Resources& r, std::vector<Mismatch>& out) {
  Capacity total = r.capacity();
  for (int t = 0; t < processor_type_count; ++t) {
    if (total.units[t] >= c.demand.units[t]) continue;
    const char* key = c.processors.size() > 1 ? "processors" : "computing_units";
    const char* type = processor_type_name(static_cast<ProcessorType>(t));
    out.push_back({key, std::to_string(c.demand.units[t]) + " " + type + " units",
                   std::to_string(total.units[t]) + " " + type + " units"});
  }
  if (total.memory_mb < c.demand.memory_mb) {
    out.push_back({"memory_size", gb(c.memory_gb), r.memory_gb > 0 ? gb(r.memory_gb) : "none declared"});
  }
  if (total.storage_mb < c.demand.storage_mb) {
    out.push_back({"storage_size", gb(c.storage_gb), r.storage_gb > 0 ? gb(r.storage_gb) : "none declared"});
  }
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

bool Constraints::unconstrained() const noexcept {
  return gang.units == 0 && demand == one_cpu() && processors.size() == 1 && !has_processor_properties(*this) &&
         memory_type.empty() && storage_type.empty() && os_type.empty() &&
         os_distribution.empty() && os_version.empty() && app_software.empty() &&
         host_queues.empty() && wall_clock_limit == 0 && !is_local;
}

Constraints parse_constraints(const std::string& task, const detail::Constraint* pairs,
                              std::size_t count, const EnvLookup& env) {
  Constraints c;
  std::uint32_t units = 1;
  ProcessorType type = ProcessorType::cpu;
  bool single_processor_given = false;
  bool processors_given = false;
  for (std::size_t i = 0; i < count; ++i) {
    Pair p{task, pairs[i].key == nullptr ? "" : pairs[i].key,
           pairs[i].value == nullptr ? "" : pairs[i].value, {}};
    p.value = p.written;
    if (p.value.size() > 1 && p.value.front() == '$') {
      std::string var = p.value.substr(1);
      if (var.size() > 2 && var.front() == '{' && var.back() == '}') var = var.substr(1, var.size() - 2);
      std::optional<std::string> v = env(var);
      if (!v) p.fail("the environment variable " + var + " is not set; set it or write the value");
      p.value = *v;
    }
    const std::string& k = p.key;
    if (k == "computing_units" || k == "cores") {
      units = whole(p, p.value);
      single_processor_given = true;
    } else if (k == "processor_type") {
      if (!parse_processor_type(trimmed(p.value), type)) p.fail("expected CPU, GPU, FPGA or OTHER");
      single_processor_given = true;
    } else if (k == "processors") {
      c.processors = processor_list(p);
      processors_given = true;
    } else if (k == "memory_size" || k == "memory") {
      c.memory_gb = number(p);
    } else if (k == "storage_size") {
      c.storage_gb = number(p);
    } else if (k == "processor_speed") {
      c.processor_speed = number(p);
    } else if (k == "processor_performance") {
      c.processor_performance = number(p);
    } else if (k == "processor_internal_memory_size") {
      c.processor_internal_memory_gb = number(p);
    } else if (k == "wall_clock_limit") {
      c.wall_clock_limit = number(p);
    } else if (k == "processor_architecture") {
      c.processor_architecture = text(p);
    } else if (k == "processor_name") {
      c.processor_name = text(p);
    } else if (k == "memory_type") {
      c.memory_type = text(p);
    } else if (k == "storage_type") {
      c.storage_type = text(p);
    } else if (k == "operating_system_type") {
      c.os_type = text(p);
    } else if (k == "operating_system_distribution") {
      c.os_distribution = text(p);
    } else if (k == "operating_system_version") {
      c.os_version = text(p);
    } else if (k == "app_software") {
      c.app_software = list(text(p));
    } else if (k == "host_queues") {
      c.host_queues = list(text(p));
    } else if (k == "is_local") {
      c.is_local = boolean(p);
    } else {
      p.fail("unknown constraint key (SPEC section 2 lists the keys)");
    }
  }
  if (processors_given && single_processor_given) {
    throw Error("compss: task '" + task +
                "': constraint processors=... cannot be combined with computing_units or "
                "processor_type; list every processor in processors");
  }
  if (!processors_given) c.processors = {ProcessorRequest{type, units}};
  c.demand = Capacity{};
  for (const ProcessorRequest& r : c.processors) c.demand.units[static_cast<int>(r.type)] += r.units;
  c.demand.memory_mb = gb_to_mb(c.memory_gb);
  c.demand.storage_mb = gb_to_mb(c.storage_gb);
  return c;
}

bool matches(const Constraints& c, const Resources& total) {
  // The scheduler asks this once per (task type, node), not per placement.
  std::vector<Mismatch> m;
  property_mismatches(c, total, m);
  return m.empty();
}

bool fits_total(const Constraints& c, const Resources& total) {
  return total.capacity().covers(c.demand) && matches(c, total);
}

bool fits(const Constraints& c, const Resources& total, const Capacity& free) {
  return free.covers(c.demand) && matches(c, total);
}

std::vector<Mismatch> mismatches(const Constraints& c, const Resources& total) {
  std::vector<Mismatch> out;
  capacity_mismatches(c, total, out);
  property_mismatches(c, total, out);
  return out;
}

std::optional<std::string> never_fits(const std::string& task,
                                      std::span<const Constraints* const> versions,
                                      std::span<const NamedResources> nodes,
                                      std::span<const std::string* const> names) {
  if (nodes.empty()) return "compss: task '" + task + "' can never run: the run has no node";
  // Per version: the keys of the node that fails fewest of them.
  std::string msg = "compss: task '" + task + "' can never run: no node of the run satisfies ";
  for (std::size_t v = 0; v < versions.size(); ++v) {
    std::vector<Mismatch> best;
    const std::string* best_node = nullptr;
    for (const NamedResources& n : nodes) {
      std::vector<Mismatch> m = mismatches(*versions[v], *n.total);
      if (m.empty()) return std::nullopt;
      if (best_node == nullptr || m.size() < best.size()) {
        best = std::move(m);
        best_node = n.name;
      }
    }
    if (v > 0) {
      msg += "; nor, for its version '" + (v < names.size() ? *names[v] : std::to_string(v)) + "', ";
    }
    for (std::size_t i = 0; i < best.size(); ++i) {
      if (i > 0) msg += "; nor ";
      msg += best[i].key + "=" + best[i].asked + " (best node '" + *best_node + "' has " +
             best[i].offered + ")";
    }
  }
  return msg;
}

}  // namespace compss::sched
