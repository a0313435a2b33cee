#include "config/resources.hpp"

#include <compss/detail/config.hpp>
#include "config/node_resources.hpp"

#include <compss/error.hpp>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <charconv>
#include <fstream>
#include <limits>
#include <string>
#include <sstream>

namespace compss::config {

namespace pt = boost::property_tree;

namespace {

/// Error context: the file and, once known, the ComputeNode.
struct Where {
  std::string origin;
  std::string node;
  [[noreturn]] void fail(const std::string& element, const std::string& what) const {
    std::string at = origin;
    if (!node.empty()) at += ": ComputeNode '" + node + "'";
    if (!element.empty()) at += ": " + element;
    throw Error("compss: " + at + ": " + what);
  }
};

std::string trimmed(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

unsigned long long to_unsigned(const Where& w, const std::string& element, const std::string& raw,
                               unsigned long long lo, unsigned long long hi) {
  std::string v = trimmed(raw);
  auto n = detail::parse_whole_number(v, lo, hi);
  if (!n) w.fail(element, detail::whole_number_expected(lo, hi) + ", got '" + v + "'");
  return *n;
}

double to_positive(const Where& w, const std::string& element, const std::string& raw) {
  std::string v = trimmed(raw);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !(d > 0)) {
    w.fail(element, "expected a positive number, got '" + v + "'");
  }
  return d;
}

/// Throws when an element of `text` is nested deeper than max_xml_depth, naming its line.
/// A shallow scan, not a parser: it skips comments, CDATA, processing instructions,
/// declarations and quoted attribute values, and leaves every other error to the parser.
void check_depth(const std::string& text, const std::string& origin) {
  unsigned depth = 0;
  unsigned line = 1;
  auto skip_to = [&](std::size_t from, const char* end) {
    std::size_t at = text.find(end, from);
    std::size_t stop =
        at == std::string::npos ? text.size() : at + std::char_traits<char>::length(end);
    for (std::size_t k = from; k < stop; ++k) line += text[k] == '\n' ? 1 : 0;
    return stop;
  };
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '\n') ++line;
    if (c != '<') {
      ++i;
      continue;
    }
    if (text.compare(i, 4, "<!--") == 0) {
      i = skip_to(i, "-->");
    } else if (text.compare(i, 9, "<![CDATA[") == 0) {
      i = skip_to(i, "]]>");
    } else if (text.compare(i, 2, "<?") == 0) {
      i = skip_to(i, "?>");
    } else if (text.compare(i, 2, "<!") == 0) {
      i = skip_to(i, ">");
    } else if (text.compare(i, 2, "</") == 0) {
      if (depth > 0) --depth;
      i = skip_to(i, ">");
    } else {
      unsigned start_line = line;
      std::size_t k = i + 1;  // to the tag's '>', past quoted attribute values
      for (char quote = 0; k < text.size() && (quote != 0 || text[k] != '>'); ++k) {
        if (text[k] == '\n') ++line;
        if (quote != 0 && text[k] == quote) quote = 0;
        else if (quote == 0 && (text[k] == '"' || text[k] == '\'')) quote = text[k];
      }
      bool empty_element = k < text.size() && text[k - 1] == '/';
      if (!empty_element && ++depth > max_xml_depth) {
        throw Error("compss: " + origin + ":" + std::to_string(start_line) +
                    ": elements nested deeper than " + std::to_string(max_xml_depth) +
                    " levels (the COMPSs schemas nest about 10): not a resources.xml or "
                    "project.xml file");
      }
      i = k + 1;
    }
  }
}

pt::ptree read_xml_text(const std::string& text, const std::string& origin) {
  check_depth(text, origin);
  pt::ptree tree;
  std::istringstream in(text);
  try {
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const pt::xml_parser_error& e) {
    throw Error("compss: " + origin + ":" + std::to_string(e.line()) + ": malformed XML: " +
                e.message());
  }
  return tree;
}

const pt::ptree& root(const pt::ptree& tree, const char* name, const std::string& origin) {
  auto it = tree.find(name);
  if (it == tree.not_found()) {
    throw Error("compss: " + origin + ": expected a <" + name + "> root element");
  }
  return it->second;
}

std::string name_attribute(const pt::ptree& node, const Where& w) {
  std::string name = trimmed(node.get<std::string>("<xmlattr>.Name", ""));
  if (name.empty()) w.fail("ComputeNode", "missing Name attribute");
  return name;
}

ResourceNode parse_resource_node(const pt::ptree& node, Where w) {
  ResourceNode n;
  n.name = name_attribute(node, w);
  w.node = n.name;
  for (const auto& [tag, child] : node) {
    if (tag == "Processor") {
      Processor p;
      p.name = child.get<std::string>("<xmlattr>.Name", "");
      if (auto cu = child.get_optional<std::string>("ComputingUnits")) {
        p.computing_units = static_cast<unsigned>(
            to_unsigned(w, "Processor/ComputingUnits", *cu, 1, detail::max_worker_cores));
      }
      p.architecture = trimmed(child.get<std::string>("Architecture", ""));
      p.type = trimmed(child.get<std::string>("Type", "CPU"));
      if (p.type != "CPU" && p.type != "GPU" && p.type != "FPGA" && p.type != "OTHER") {
        w.fail("Processor/Type", "expected CPU, GPU, FPGA or OTHER, got '" + p.type + "'");
      }
      n.processors.push_back(std::move(p));
    } else if (tag == "Memory") {
      if (auto size = child.get_optional<std::string>("Size")) {
        n.memory_size_gb = to_positive(w, "Memory/Size", *size);
      }
    } else if (tag == "Software") {
      for (const auto& [t, app] : child) {
        if (t == "Application") n.software.push_back(trimmed(app.data()));
      }
    } else if (tag == "Adaptors") {
      for (const auto& [t, adaptor] : child) {
        if (t != "Adaptor") continue;
        if (auto lo = adaptor.get_optional<std::string>("Ports.MinPort")) {
          n.min_port = static_cast<std::uint16_t>(to_unsigned(w, "Ports/MinPort", *lo, 1, 65535));
        }
        if (auto hi = adaptor.get_optional<std::string>("Ports.MaxPort")) {
          n.max_port = static_cast<std::uint16_t>(to_unsigned(w, "Ports/MaxPort", *hi, 1, 65535));
        }
      }
      if (n.min_port && n.max_port && *n.min_port > *n.max_port) {
        w.fail("Ports", "MinPort " + std::to_string(*n.min_port) + " is above MaxPort " +
                            std::to_string(*n.max_port));
      }
    }
  }
  // After the checks above, so that their messages stay the ones users see first.
  n.described = node_resources(node, w.origin + ": ComputeNode '" + n.name + "'");
  return n;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("compss: cannot read '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

unsigned ResourceNode::cores() const {
  unsigned long long n = 0;  // (many processors: saturates, never wraps to a small count)
  for (const auto& p : processors) {
    if (p.type == "CPU") n += p.computing_units;
  }
  if (n > std::numeric_limits<unsigned>::max()) return std::numeric_limits<unsigned>::max();
  return n == 0 ? 1 : static_cast<unsigned>(n);
}

std::vector<ResourceNode> parse_resources(const std::string& text, const std::string& origin) {
  pt::ptree tree = read_xml_text(text, origin);
  std::vector<ResourceNode> nodes;
  for (const auto& [tag, child] : root(tree, "ResourcesList", origin)) {
    if (tag == "ComputeNode") nodes.push_back(parse_resource_node(child, Where{origin, {}}));
  }
  return nodes;
}

std::vector<ProjectNode> parse_project(const std::string& text, const std::string& origin) {
  pt::ptree tree = read_xml_text(text, origin);
  std::vector<ProjectNode> nodes;
  for (const auto& [tag, child] : root(tree, "Project", origin)) {
    if (tag != "ComputeNode") continue;
    Where w{origin, {}};
    ProjectNode n;
    n.name = name_attribute(child, w);
    w.node = n.name;
    n.working_dir = trimmed(child.get<std::string>("WorkingDir", ""));
    n.install_dir = trimmed(child.get<std::string>("InstallDir", ""));
    n.app_dir = trimmed(child.get<std::string>("Application.AppDir", ""));
    n.user = trimmed(child.get<std::string>("User", ""));
    if (auto lim = child.get_optional<std::string>("LimitOfTasks")) {
      n.limit_of_tasks = static_cast<unsigned>(
          to_unsigned(w, "LimitOfTasks", *lim, 0, detail::max_worker_cores));
    }
    nodes.push_back(std::move(n));
  }
  return nodes;
}

std::vector<ResourceNode> load_resources(const std::string& path) {
  return parse_resources(read_file(path), path);
}

std::vector<ProjectNode> load_project(const std::string& path) {
  return parse_project(read_file(path), path);
}

std::vector<NodeConfig> merge(const std::vector<ResourceNode>& resources,
                              const std::vector<ProjectNode>& project,
                              const std::string& project_origin) {
  std::vector<NodeConfig> nodes;
  for (const auto& p : project) {
    const ResourceNode* r = nullptr;
    for (const auto& candidate : resources) {
      if (candidate.name == p.name) r = &candidate;
    }
    if (r == nullptr) {
      throw Error("compss: " + project_origin + ": ComputeNode '" + p.name +
                  "' is not described in the resources file");
    }
    nodes.push_back({*r, p});
  }
  return nodes;
}

}  // namespace compss::config
