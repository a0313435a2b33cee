// The "simulation" of the monarch example (an MPI task): 1-D diffusion of the field read
// from <init> over the ranks, each rank a block of cells, neighbours exchanging their edge
// cells (halo) every step; fixed zero boundaries. Every <every> steps rank 0 gathers the
// field and writes it to the next output file, one value per line. Each cell's update is
// the same arithmetic whatever the number of ranks, so the files are bit-identical for 1,
// 2 or more ranks.
//   mpirun -n P monarch_sim <init> <steps> <every> <out-1> ... <out-K>   (K = steps / every)
// With MONARCH_SIM_LOG=<file> set, rank 0 appends "ranks=P nodes=N" to it, N being the
// nodes compss gave the task (COMPSS_NUM_NODES): how tests see that a run spanned nodes.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

// Open MPI keeps allocations past MPI_Finalize (its own): LeakSanitizer off in sanitized
// builds, where it would fail every rank. Unused without sanitizers.
extern "C" const char* __lsan_default_options() { return "detect_leaks=0"; }

namespace {

std::vector<double> read_field(const char* path) {
  std::vector<double> field;
  FILE* in = std::fopen(path, "r");
  if (in == nullptr) return field;
  double v = 0;
  while (std::fscanf(in, "%lf", &v) == 1) field.push_back(v);
  std::fclose(in);
  return field;
}

bool write_field(const char* path, const std::vector<double>& field) {
  FILE* out = std::fopen(path, "w");
  if (out == nullptr) return false;
  for (double v : field) std::fprintf(out, "%.17g\n", v);
  return std::fclose(out) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int steps = argc > 3 ? std::atoi(argv[2]) : 0;
  const int every = argc > 3 ? std::atoi(argv[3]) : 1;
  const int outputs = argc - 4;
  int ok = argc > 4 && every > 0 && steps / every == outputs ? 1 : 0;

  std::vector<double> field;
  long cells = 0;
  if (rank == 0 && ok) {
    field = read_field(argv[1]);
    cells = static_cast<long>(field.size());
    if (cells < size) ok = 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!ok) {
    if (rank == 0) std::fprintf(stderr, "monarch_sim: bad arguments or input\n");
    MPI_Finalize();
    return 1;
  }
  MPI_Bcast(&cells, 1, MPI_LONG, 0, MPI_COMM_WORLD);

  // Blocks: rank r owns [offset[r], offset[r] + count[r]).
  std::vector<int> count(size), offset(size);
  for (int r = 0; r < size; ++r) {
    count[r] = static_cast<int>(cells / size + (r < cells % size ? 1 : 0));
    offset[r] = r == 0 ? 0 : offset[r - 1] + count[r - 1];
  }
  const int n = count[rank];
  std::vector<double> u(n + 2, 0.0), next(n + 2, 0.0);  // [0] and [n+1]: halo cells
  MPI_Scatterv(field.data(), count.data(), offset.data(), MPI_DOUBLE, u.data() + 1, n, MPI_DOUBLE,
               0, MPI_COMM_WORLD);
  const int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
  const int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
  const double alpha = 0.2;
  int written = 0;
  for (int step = 1; step <= steps; ++step) {
    u[0] = u[n + 1] = 0.0;  // the domain's ends (MPI_PROC_NULL leaves them as they are)
    MPI_Sendrecv(&u[1], 1, MPI_DOUBLE, left, 0, &u[n + 1], 1, MPI_DOUBLE, right, 0, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&u[n], 1, MPI_DOUBLE, right, 1, &u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    for (int i = 1; i <= n; ++i) next[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
    u.swap(next);
    if (step % every == 0) {
      MPI_Gatherv(u.data() + 1, n, MPI_DOUBLE, field.data(), count.data(), offset.data(),
                  MPI_DOUBLE, 0, MPI_COMM_WORLD);
      if (rank == 0 && !write_field(argv[4 + written], field)) ok = 0;
      ++written;
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  const char* log = std::getenv("MONARCH_SIM_LOG");
  if (rank == 0 && ok && log != nullptr && *log != '\0') {
    const char* nodes = std::getenv("COMPSS_NUM_NODES");
    if (FILE* f = std::fopen(log, "a")) {
      std::fprintf(f, "ranks=%d nodes=%s\n", size, nodes != nullptr ? nodes : "1");
      std::fclose(f);
    }
  }
  MPI_Finalize();
  return ok ? 0 : 1;
}
