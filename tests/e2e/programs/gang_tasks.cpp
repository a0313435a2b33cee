// Tasks over several nodes (docs/external_programs.md): a multinode task given 2 nodes
// learns them (compss::this_task::nodes(), COMPSS_NUM_NODES, COMPSS_HOSTNAMES), and an MPI
// task with processes_per_node=1 spans 3 nodes, its ranks seeing COMPSS_NUM_NODES=3. Under
// compss-run with 3 nodes of 1 core (COMPSS_WORKER_CORES=1); a local run has one node, so
// both fail at their call. The MPI helper program is in the application's folder.
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>

#pragma compss multinode(computing_nodes=2, processes_per_node=1)
#pragma compss task
int learn_nodes(int base) {
  const auto nodes = compss::this_task::nodes();
  const char* num = std::getenv("COMPSS_NUM_NODES");
  const char* names = std::getenv("COMPSS_HOSTNAMES");
  int listed = names == nullptr ? 0 : 1;
  for (const char* c = names; c != nullptr && *c != '\0'; ++c) listed += *c == ',';
  // nodes, the environment's count and the names it lists, as one number: 2 2 2 -> 222
  return base + 100 * static_cast<int>(nodes.size()) + 10 * (num == nullptr ? 0 : std::atoi(num)) + listed;
}

#pragma compss mpi(runner="mpirun", binary="compss_test_mpi_ranks", processes=3, processes_per_node=1, args="{{out}} spanned nodes", fail_by_exit_value=true)
#pragma compss task file_out(out)
int spread_ranks(const std::string& out);

int main() {
  const int n = learn_nodes(0);
  std::printf("multinode: %d\n", n);
  const std::string out = "gang_ranks_" + std::to_string(::getpid()) + ".txt";  // (tests run at once)
  const int rc = spread_ranks(out);
  compss::wait_on_file(out);
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  std::printf("mpi: rc=%d %s\n", rc, line.c_str());
  std::remove(out.c_str());
  return 0;
}
