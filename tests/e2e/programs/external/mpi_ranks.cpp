// Helper MPI program of the MPI-task tests: every rank contributes rank + 1; rank 0 writes
// "ranks=<size> sum=<sum> tag=<argv[2]>" to the file argv[1].
#include <mpi.h>

#include <cstdio>

// Built with the tree's sanitizer flags like every target: Open MPI keeps allocations past
// MPI_Finalize (its own, not this program's), which LeakSanitizer would report as a
// failed rank. The sanitizer runtime reads this hook; without sanitizers it is unused.
extern "C" const char* __lsan_default_options() { return "detect_leaks=0"; }

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long mine = rank + 1, sum = 0;
  MPI_Reduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  int rc = 0;
  if (rank == 0) {
    FILE* f = argc > 1 ? std::fopen(argv[1], "w") : nullptr;
    if (f == nullptr) {
      rc = 2;
    } else {
      std::fprintf(f, "ranks=%d sum=%ld tag=%s\n", size, sum, argc > 2 ? argv[2] : "");
      std::fclose(f);
    }
  }
  MPI_Finalize();
  return rc;
}
