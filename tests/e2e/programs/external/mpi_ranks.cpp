// Helper MPI program of the MPI-task tests: every rank contributes rank + 1; rank 0 writes
// "ranks=<size> sum=<sum> tag=<argv[2]>" to the file argv[1]; with argv[3] == "nodes", also
// " nodes=<COMPSS_NUM_NODES as rank 0 sees it> last_rank_nodes=<as the last rank sees it>".
// With argv[3] == "hold" and argv[4] a marker file: first, rank 0 appends "started <its
// pid>" to the marker and every rank waits until <marker>.release exists (at most 100 s:
// a run nobody stops still ends). tests/e2e/distributed/gang_lost_node.sh kills a node of
// the task's gang meanwhile.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

// Built with the tree's sanitizer flags like every target: Open MPI keeps allocations past
// MPI_Finalize (its own, not this program's), which LeakSanitizer would report as a
// failed rank. The sanitizer runtime reads this hook; without sanitizers it is unused.
extern "C" const char* __lsan_default_options() { return "detect_leaks=0"; }

static void hold(int rank, const char* marker) {
  if (rank == 0) {
    if (FILE* f = std::fopen(marker, "a")) {
      std::fprintf(f, "started %d\n", static_cast<int>(::getpid()));
      std::fclose(f);
    }
  }
  const std::string release = std::string(marker) + ".release";
  for (int i = 0; i < 2000 && ::access(release.c_str(), F_OK) != 0; ++i) ::usleep(50000);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc > 4 && std::strcmp(argv[3], "hold") == 0) hold(rank, argv[4]);
  long mine = rank + 1, sum = 0;
  MPI_Reduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  // The number of nodes each rank was told (COMPSS_NUM_NODES), the last rank's sent to 0.
  const char* env = std::getenv("COMPSS_NUM_NODES");
  int told = env == nullptr ? 0 : std::atoi(env), last_told = told;
  if (size > 1 && rank == size - 1) MPI_Send(&told, 1, MPI_INT, 0, 0, MPI_COMM_WORLD);
  if (size > 1 && rank == 0) MPI_Recv(&last_told, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  int rc = 0;
  if (rank == 0) {
    FILE* f = argc > 1 ? std::fopen(argv[1], "w") : nullptr;
    if (f == nullptr) {
      rc = 2;
    } else {
      std::fprintf(f, "ranks=%d sum=%ld tag=%s", size, sum, argc > 2 ? argv[2] : "");
      if (argc > 3 && std::strcmp(argv[3], "nodes") == 0) {
        std::fprintf(f, " nodes=%d last_rank_nodes=%d", told, last_told);
      }
      std::fprintf(f, "\n");
      std::fclose(f);
    }
  }
  MPI_Finalize();
  return rc;
}
