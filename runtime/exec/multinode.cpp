// Multinode tasks (`#pragma compss multinode(computing_nodes=N, processes_per_node=M)`): the
// body runs on the first node of its allocation and learns the nodes through
// compss::this_task::nodes(). Allocations have one node today (docs/external_programs.md).
#include <compss/detail/external_call.hpp>
#include <compss/error.hpp>
#include <compss/this_task.hpp>

#include <charconv>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace compss::detail {

namespace {

/// The nodes of the multinode tasks running on this thread, innermost last (a multinode
/// task called inside another runs inline).
thread_local std::vector<std::vector<std::string>> tls_nodes;

long computing_nodes(const TaskSpec& spec) {
  for (std::size_t i = 0; i < spec.launch_count; ++i) {
    if (std::string_view(spec.launch[i].key) != "computing_nodes") continue;
    const std::string_view v = spec.launch[i].value;
    long n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 1) {
      throw Error("compss: multinode task '" + std::string(spec.name) + "': computing_nodes=" +
                  std::string(v) + " is not a positive whole number");
    }
    return n;
  }
  return 1;
}

}  // namespace

void begin_multinode(const TaskSpec& spec) {
  const long wanted = computing_nodes(spec);
  if (wanted > 1) {
    throw Error("compss: multinode task '" + std::string(spec.name) + "' asks for " +
                std::to_string(wanted) +
                " nodes (computing_nodes), but allocations of several nodes do not exist yet: "
                "the scheduler gives a task one node (docs/external_programs.md)");
  }
  char name[256] = {};
  std::string host = ::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0' ? name : "localhost";
  tls_nodes.push_back({std::move(host)});
}

void end_multinode() noexcept {
  if (!tls_nodes.empty()) tls_nodes.pop_back();
}

std::vector<std::string> task_nodes() {
  return tls_nodes.empty() ? std::vector<std::string>{} : tls_nodes.back();
}

}  // namespace compss::detail
