// The simulation of the streaming_sims example (an MPI task): a toy periodic diffusion of
// 256 cells over the ranks, each rank a block of cells exchanging its edge cells with its
// neighbours on a ring every sweep. Each time step waits <wait ms> (the part of a step
// that leaves this machine's cores idle: ranks elsewhere, I/O), then runs <work> / 256
// sweeps; then rank 0 gathers the field and writes the step's output file into <dir>:
//   <dir>/sim<sim>_step<step>.txt   first line "<sim> <step>", then one value a line
// Each file is written under a hidden temporary name (".<name>.<pid>.tmp", which a file
// stream's scan never takes, and which no other run of the same simulation shares), then
// renamed into place: a consumer sees the whole file or nothing (docs/streams.md, "File
// streams"). Each cell's update is the same arithmetic whatever the number of ranks, so the
// files are identical for 1, 2 or more ranks.
//   mpirun -n P streaming_sims_sim <dir> <sim> <steps> <work> <wait ms>
#include <mpi.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

// Open MPI keeps allocations past MPI_Finalize (its own): LeakSanitizer off in sanitized
// builds, where it would fail every rank. Unused without sanitizers.
extern "C" const char* __lsan_default_options() { return "detect_leaks=0"; }

namespace {

constexpr int cells = 256;

// Writes the step's file complete under its final name (see the top). False on any error.
bool write_step(const std::string& dir, int sim, int step, const std::vector<double>& field) {
  const std::string name = "sim" + std::to_string(sim) + "_step" + std::to_string(step) + ".txt";
  const std::string tmp = dir + "/." + name + "." + std::to_string(::getpid()) + ".tmp";
  FILE* out = std::fopen(tmp.c_str(), "w");
  if (out == nullptr) return false;
  std::fprintf(out, "%d %d\n", sim, step);
  for (double v : field) std::fprintf(out, "%.17g\n", v);
  if (std::fclose(out) != 0) return false;
  return std::rename(tmp.c_str(), (dir + "/" + name).c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const bool args_ok = argc == 6;
  const std::string dir = args_ok ? argv[1] : "";
  const int sim = args_ok ? std::atoi(argv[2]) : -1;
  const int steps = args_ok ? std::atoi(argv[3]) : 0;
  const long work = args_ok ? std::atol(argv[4]) : 0;
  const long wait_ms = args_ok ? std::atol(argv[5]) : -1;
  if (sim < 0 || steps < 1 || work < cells || wait_ms < 0 || size > cells) {
    if (rank == 0) {
      std::fprintf(stderr, "usage: mpirun -n P streaming_sims_sim <dir> <sim >= 0> <steps >= 1> "
                           "<work >= %d> <wait ms >= 0>   (P <= %d)\n", cells, cells);
    }
    MPI_Finalize();
    return 2;
  }

  // Blocks: rank r owns [offset[r], offset[r] + count[r]).
  std::vector<int> count(size), offset(size);
  for (int r = 0; r < size; ++r) {
    count[r] = cells / size + (r < cells % size ? 1 : 0);
    offset[r] = r == 0 ? 0 : offset[r - 1] + count[r - 1];
  }
  const int n = count[rank];
  std::vector<double> u(n + 2), next(n + 2);  // [0] and [n+1]: halo cells
  for (int i = 0; i < n; ++i) u[i + 1] = std::sin(0.1 * (offset[rank] + i) * (sim + 1));
  const int left = (rank + size - 1) % size;
  const int right = (rank + 1) % size;
  std::vector<double> field(rank == 0 ? cells : 0);
  int ok = 1;
  for (int step = 0; step < steps; ++step) {
    if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    for (long sweep = 0; sweep < work / cells; ++sweep) {
      MPI_Sendrecv(&u[1], 1, MPI_DOUBLE, left, 0, &u[n + 1], 1, MPI_DOUBLE, right, 0,
                   MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Sendrecv(&u[n], 1, MPI_DOUBLE, right, 1, &u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE);
      for (int i = 1; i <= n; ++i) next[i] = 0.5 * u[i] + 0.25 * (u[i - 1] + u[i + 1]);
      u.swap(next);
    }
    MPI_Gatherv(u.data() + 1, n, MPI_DOUBLE, field.data(), count.data(), offset.data(), MPI_DOUBLE,
                0, MPI_COMM_WORLD);
    if (rank == 0 && ok && !write_step(dir, sim, step, field)) {
      std::perror(("streaming_sims_sim: writing step " + std::to_string(step) + " into " + dir).c_str());
      ok = 0;
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ok) break;
  }
  MPI_Finalize();
  return ok ? 0 : 1;
}
