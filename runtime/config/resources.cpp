#include "config/resources.hpp"

#include <compss/detail/config.hpp>
#include "config/node_resources.hpp"
#include "config/xml_text.hpp"

#include <compss/error.hpp>

#include <boost/property_tree/ptree.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

namespace compss::config {

namespace pt = boost::property_tree;

namespace {

std::string trimmed(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

/// Element `at`'s text as a whole number in [lo, hi].
unsigned long long to_unsigned(const XmlPlace& w, const pt::ptree& at, const std::string& element,
                               unsigned long long lo, unsigned long long hi) {
  std::string v = trimmed(at.data());
  auto n = detail::parse_whole_number(v, lo, hi);
  if (!n) w.fail(at, element, detail::whole_number_expected(lo, hi) + ", got '" + v + "'");
  return *n;
}

const pt::ptree& root(const pt::ptree& tree, const char* name, const std::string& origin) {
  auto it = tree.find(name);
  if (it == tree.not_found()) {
    throw Error("compss: " + origin + ": expected a <" + name + "> root element (is this a COMPSs " +
                (std::string(name) == "Project" ? "project.xml" : "resources.xml") + " file?)");
  }
  return it->second;
}

std::string name_attribute(const pt::ptree& node, const XmlPlace& w) {
  std::string name = trimmed(node.get<std::string>("<xmlattr>.Name", ""));
  if (name.empty()) w.fail(node, "ComputeNode", "missing Name attribute (give each node <ComputeNode Name=\"host\">)");
  return name;
}

ResourceNode parse_resource_node(const pt::ptree& node, XmlPlace w) {
  ResourceNode n;
  n.name = name_attribute(node, w);
  w.node = n.name;
  for (const auto& [tag, adaptor_list] : node) {
    if (tag != "Adaptors") continue;
    for (const auto& [t, adaptor] : adaptor_list) {
      if (t != "Adaptor") continue;
      if (auto lo = adaptor.get_child_optional("Ports.MinPort")) {
        n.min_port = static_cast<std::uint16_t>(to_unsigned(w, *lo, "Ports/MinPort", 1, 65535));
      }
      if (auto hi = adaptor.get_child_optional("Ports.MaxPort")) {
        n.max_port = static_cast<std::uint16_t>(to_unsigned(w, *hi, "Ports/MaxPort", 1, 65535));
      }
      if (n.min_port && n.max_port && *n.min_port > *n.max_port) {
        w.fail(adaptor, "Ports", "MinPort " + std::to_string(*n.min_port) + " is above MaxPort " +
                                     std::to_string(*n.max_port));
      }
    }
  }
  n.described = node_resources(node, w);
  return n;
}

/// Which file read_file reads: for its errors.
struct XmlFileKind {
  const char* file;      ///< "resources.xml"
  const char* option;    ///< compss-run's flag
  const char* variable;  ///< the environment variable
};
constexpr XmlFileKind resources_file{"resources.xml", "--resources", "COMPSS_RESOURCES"};
constexpr XmlFileKind project_file{"project.xml", "--project", "COMPSS_PROJECT"};

/// The whole file. Throws compss::Error with the path and the system's reason (missing,
/// no permission, a directory: an ifstream opens a directory and reads nothing, which then
/// looked like an XML error) and what to do.
std::string read_file(const std::string& path, const XmlFileKind& kind) {
  auto fail = [&](int error) {
    throw Error("compss: cannot read the " + std::string(kind.file) + " file '" + path + "': " +
                std::strerror(error) + " (" + kind.option + " or " + kind.variable +
                " must name a readable COMPSs " + kind.file + ")");
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(errno);
  struct Closed {
    int fd;
    ~Closed() { ::close(fd); }
  } closed{fd};
  struct stat st{};
  if (::fstat(fd, &st) != 0) fail(errno);
  if (S_ISDIR(st.st_mode)) fail(EISDIR);
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

unsigned ResourceNode::cores() const {
  unsigned long long n = 0;  // (many processors: saturates, never wraps to a small count)
  for (const sched::Processor& p : described.processors) {
    if (p.type == sched::ProcessorType::cpu) n += p.units;
  }
  if (n > std::numeric_limits<unsigned>::max()) return std::numeric_limits<unsigned>::max();
  return n == 0 ? 1 : static_cast<unsigned>(n);
}

std::vector<ResourceNode> parse_resources(const std::string& text, const std::string& origin) {
  pt::ptree tree = read_xml_text(text, origin);
  std::vector<ResourceNode> nodes;
  for (const auto& [tag, child] : root(tree, "ResourcesList", origin)) {
    if (tag == "ComputeNode") nodes.push_back(parse_resource_node(child, XmlPlace{origin, {}}));
  }
  return nodes;
}

std::vector<ProjectNode> parse_project(const std::string& text, const std::string& origin) {
  pt::ptree tree = read_xml_text(text, origin);
  std::vector<ProjectNode> nodes;
  for (const auto& [tag, child] : root(tree, "Project", origin)) {
    if (tag != "ComputeNode") continue;
    XmlPlace w{origin, {}};
    ProjectNode n;
    n.name = name_attribute(child, w);
    n.line = xml_line(child);
    w.node = n.name;
    n.working_dir = trimmed(child.get<std::string>("WorkingDir", ""));
    n.install_dir = trimmed(child.get<std::string>("InstallDir", ""));
    n.app_dir = trimmed(child.get<std::string>("Application.AppDir", ""));
    n.user = trimmed(child.get<std::string>("User", ""));
    if (auto lim = child.get_child_optional("LimitOfTasks")) {
      n.limit_of_tasks = static_cast<unsigned>(to_unsigned(w, *lim, "LimitOfTasks", 0, detail::max_worker_cores));
    }
    nodes.push_back(std::move(n));
  }
  return nodes;
}

std::vector<ResourceNode> load_resources(const std::string& path) {
  return parse_resources(read_file(path, resources_file), path);
}

std::vector<ProjectNode> load_project(const std::string& path) {
  return parse_project(read_file(path, project_file), path);
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
      throw Error("compss: " + project_origin + (p.line > 0 ? ":" + std::to_string(p.line) : "") +
                  ": ComputeNode '" + p.name + "' is not described in the resources file (add a "
                  "<ComputeNode Name=\"" + p.name + "\"> there, or remove it from this file)");
    }
    nodes.push_back({*r, p});
  }
  return nodes;
}

}  // namespace compss::config
