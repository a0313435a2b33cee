// Helper MPI program of the lost-gang-node test (tests/e2e/distributed/gang_lost_node.sh):
//   mpi_hold <marker> <out>
// Rank 0 appends "started <its pid>" to <marker>; then every rank waits until the file
// <marker>.release exists (at most 100 s: a run nobody stops still ends), and rank 0
// writes "ranks=<size> released" to <out>. The test kills a node of the task's gang while
// the ranks wait.
#include <mpi.h>

#include <cstdio>
#include <string>
#include <unistd.h>

// Open MPI keeps allocations past MPI_Finalize: LeakSanitizer off (unused without it).
extern "C" const char* __lsan_default_options() { return "detect_leaks=0"; }

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 3) {
    if (rank == 0) std::fprintf(stderr, "usage: mpi_hold <marker> <out>\n");
    MPI_Finalize();
    return 2;
  }
  if (rank == 0) {
    if (FILE* f = std::fopen(argv[1], "a")) {
      std::fprintf(f, "started %d\n", static_cast<int>(::getpid()));
      std::fclose(f);
    }
  }
  const std::string release = std::string(argv[1]) + ".release";
  for (int i = 0; i < 2000 && ::access(release.c_str(), F_OK) != 0; ++i) ::usleep(50000);
  MPI_Barrier(MPI_COMM_WORLD);
  int rc = 0;
  if (rank == 0) {
    FILE* f = std::fopen(argv[2], "w");
    rc = f != nullptr && std::fprintf(f, "ranks=%d released\n", size) > 0 && std::fclose(f) == 0 ? 0 : 1;
  }
  MPI_Finalize();
  return rc;
}
