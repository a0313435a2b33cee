// Multinode tasks (`#pragma compss multinode(computing_nodes=N, processes_per_node=M)`): the
// body runs on the first node of its allocation (the scheduler reserved the N nodes at
// once, sched/gang.hpp) and learns them through compss::this_task::nodes() and the
// environment's COMPSS_NUM_NODES / COMPSS_HOSTNAMES (docs/external_programs.md).
#include "exec/process.hpp"
#include "exec/task_hosts.hpp"

#include <compss/detail/external_call.hpp>
#include <compss/error.hpp>
#include <compss/this_task.hpp>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace compss::detail {

namespace {

/// One multinode task running on this thread: its nodes and its entry in the environment.
struct Running {
  std::vector<std::string> nodes;
  std::uint64_t id;
};
/// The multinode tasks running on this thread, innermost last (a multinode task called
/// inside another runs inline).
thread_local std::vector<Running> tls_running;

/// COMPSS_NUM_NODES / COMPSS_HOSTNAMES in the process's environment, which every thread
/// shares: they hold the values of the latest multinode task begun that still runs, and
/// what they held before once none runs. Thread-safe: exec::environment_mutex() guards all
/// of it (a leaf; also taken by readers building a program's environment).
class NodesEnvironment {
 public:
  std::uint64_t enter(const std::vector<TaskHost>& hosts) {
    std::lock_guard lock(compss::exec::environment_mutex());
    if (active_.empty()) {
      saved_num_ = read("COMPSS_NUM_NODES");
      saved_hosts_ = read("COMPSS_HOSTNAMES");
    }
    active_.push_back({++next_id_, compss::exec::nodes_environment(hosts)});
    apply(active_.back().second);
    return next_id_;
  }
  void leave(std::uint64_t id) noexcept {
    std::lock_guard lock(compss::exec::environment_mutex());
    std::erase_if(active_, [id](const auto& a) { return a.first == id; });
    if (!active_.empty()) {
      apply(active_.back().second);
      return;
    }
    restore("COMPSS_NUM_NODES", saved_num_);
    restore("COMPSS_HOSTNAMES", saved_hosts_);
  }

 private:
  static std::optional<std::string> read(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::nullopt : std::optional<std::string>(v);
  }
  static void apply(const std::vector<std::string>& vars) {
    for (const std::string& v : vars) {
      const std::size_t eq = v.find('=');
      ::setenv(v.substr(0, eq).c_str(), v.c_str() + eq + 1, 1);
    }
  }
  static void restore(const char* name, const std::optional<std::string>& value) noexcept {
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }

  std::vector<std::pair<std::uint64_t, std::vector<std::string>>> active_;
  std::optional<std::string> saved_num_, saved_hosts_;
  std::uint64_t next_id_ = 0;
};

NodesEnvironment& nodes_environment() {
  static NodesEnvironment env;
  return env;
}

long launch_number(const TaskSpec& spec, std::string_view key) {
  for (std::size_t i = 0; i < spec.launch_count; ++i) {
    if (std::string_view(spec.launch[i].key) != key) continue;
    const std::string_view v = spec.launch[i].value;
    long n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1) {
      throw Error("compss: multinode task '" + std::string(spec.name) + "': " + std::string(key) +
                  "=" + std::string(v) + " is not a positive whole number");
    }
    return n;
  }
  return 1;
}

}  // namespace

void begin_multinode(const TaskSpec& spec) {
  const long wanted = launch_number(spec, "computing_nodes");
  const std::vector<TaskHost> hosts =
      compss::exec::running_task_hosts(static_cast<unsigned>(launch_number(spec, "processes_per_node")));
  if (static_cast<long>(hosts.size()) != wanted) {
    // The scheduler reserves the nodes of every multinode call it places; a call made
    // inside another task runs inline, on the nodes that task holds.
    throw Error("compss: multinode task '" + std::string(spec.name) + "' asks for " +
                std::to_string(wanted) + " nodes (computing_nodes) but runs where it holds " +
                std::to_string(hosts.size()) +
                ": a multinode call made inside another task runs there, on that task's nodes");
  }
  Running r{{}, nodes_environment().enter(hosts)};
  for (const TaskHost& h : hosts) r.nodes.push_back(h.name);
  tls_running.push_back(std::move(r));
}

void end_multinode() noexcept {
  if (tls_running.empty()) return;
  nodes_environment().leave(tls_running.back().id);
  tls_running.pop_back();
}

std::vector<std::string> task_nodes() {
  return tls_running.empty() ? std::vector<std::string>{} : tls_running.back().nodes;
}

}  // namespace compss::detail
