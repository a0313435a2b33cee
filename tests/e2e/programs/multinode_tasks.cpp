// Multinode tasks on one node: computing_nodes=1 runs and learns its node through
// compss::this_task::nodes(); computing_nodes=2 (argv[1] == "two") in a local run (one
// node) fails at its call. Several nodes: gang_tasks.cpp.
#include <compss/compss.hpp>

#include <cstdio>
#include <string>

#pragma compss multinode(computing_nodes=1, processes_per_node=1)
#pragma compss task
int count_nodes(int base) {
  const auto nodes = compss::this_task::nodes();
  return base + static_cast<int>(nodes.size()) + (nodes.empty() || nodes[0].empty() ? 100 : 0);
}

#pragma compss multinode(computing_nodes=2)
#pragma compss task on_failure(fail)
int on_two_nodes(int base) { return base + static_cast<int>(compss::this_task::nodes().size()); }

int main(int argc, char** argv) {
  const bool two = argc > 1 && std::string(argv[1]) == "two";
  const int r = two ? on_two_nodes(10) : count_nodes(10);
  std::printf("nodes + 10 = %d; outside a task: %zu\n", r, compss::this_task::nodes().size());
  return 0;
}
