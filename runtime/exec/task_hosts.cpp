#include "exec/task_hosts.hpp"

#include <unistd.h>

namespace compss::exec {

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::vector<detail::TaskHost> running_task_hosts(unsigned processes) {
  std::vector<detail::TaskHost> hosts = detail::task_hosts();
  if (hosts.empty()) hosts.push_back({this_host(), processes});
  return hosts;
}

std::vector<std::string> nodes_environment(const std::vector<detail::TaskHost>& hosts) {
  std::string names;
  for (const detail::TaskHost& h : hosts) names += (names.empty() ? "" : ",") + h.name;
  return {"COMPSS_NUM_NODES=" + std::to_string(hosts.size()), "COMPSS_HOSTNAMES=" + names};
}

}  // namespace compss::exec
