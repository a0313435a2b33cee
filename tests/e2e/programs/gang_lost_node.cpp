// An MPI task whose 2 processes span 2 nodes (processes_per_node=1) and wait until the
// test releases them (programs/external/mpi_ranks.cpp, "hold"): meanwhile
// tests/e2e/distributed/gang_lost_node.sh kills the gang's second node. Prints what the
// task made, or the run fails through the task's error.
//   e2e_gang_lost_node <work-dir>
#include <compss/compss.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#pragma compss mpi(runner="mpirun", binary="compss_test_mpi_ranks", processes=2, processes_per_node=1, flags="--bind-to none", args="{{out}} held hold {{marker}}", fail_by_exit_value=true)
#pragma compss task file_out(out)
int hold_ranks(const std::string& marker, const std::string& out);

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: e2e_gang_lost_node <work-dir>\n");
    return 2;
  }
  const std::string work = argv[1];
  const int rc = hold_ranks(work + "/marker", work + "/out.txt");
  compss::wait_on_file(work + "/out.txt");
  std::ifstream in(work + "/out.txt");
  std::string line;
  std::getline(in, line);
  std::printf("hold_ranks: rc=%d %s\n", rc, line.c_str());
  return 0;
}
