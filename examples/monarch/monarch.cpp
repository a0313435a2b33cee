// A small NMMB-Monarch-like workflow (the use case of docs/external_programs.md): one
// COMPSs program orchestrates a pre-processing program, an MPI simulation and C++
// analytics.
//   1. preprocess  (binary task): monarch_prep writes the initial field;
//   2. simulate    (MPI task, 2 processes): monarch_sim diffuses it over the ranks with halo
//                  exchanges and writes the field every steps/4 steps, 4 output files;
//   3. analyse     (C++ tasks, one per output, run as soon as the simulation ends): mass,
//                  peak, spread of each output;
//   4. trend       (C++ task): how the peak decays from one output to the next.
// The sequential build (pragmas ignored) runs the same programs itself (the simulation as
// one MPI rank: its files are bit-identical for any number of ranks) and prints the same.
//   monarch <work-dir> [cells=400] [steps=40]
#include <compss/compss.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

/// What the analytics keep of one output.
struct Stats {
  int output = 0;
  double mass = 0;   ///< sum of the field
  double peak = 0;   ///< its largest value
  long peak_cell = 0;
  double spread = 0;  ///< standard deviation of the cell index, weighted by the field
};

#pragma compss binary(binary="monarch_prep", args="{{out}} {{cells}} {{seed}}", fail_by_exit_value=true)
#pragma compss task file_out(out)
int preprocess(const std::string& out, int cells, int seed);

#pragma compss mpi(runner="mpirun", binary="monarch_sim", processes=2, flags="--bind-to none", args="{{init}} {{steps}} {{every}} {{o1}} {{o2}} {{o3}} {{o4}}", fail_by_exit_value=true)
#pragma compss task file_in(init) file_out(o1, o2, o3, o4)
int simulate(const std::string& init, int steps, int every, const std::string& o1,
             const std::string& o2, const std::string& o3, const std::string& o4);

#pragma compss task file_in(path)
Stats analyse(const std::string& path, int output) {
  Stats s;
  s.output = output;
  std::ifstream in(path);
  std::vector<double> field;
  for (double v; in >> v;) field.push_back(v);
  double weighted = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    s.mass += field[i];
    weighted += field[i] * static_cast<double>(i);
    if (field[i] > s.peak) s.peak = field[i], s.peak_cell = static_cast<long>(i);
  }
  const double mean = s.mass > 0 ? weighted / s.mass : 0;
  double var = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const double d = static_cast<double>(i) - mean;
    var += field[i] * d * d;
  }
  s.spread = s.mass > 0 ? std::sqrt(var / s.mass) : 0;
  return s;
}

/// The peak of each output relative to the previous one's (the first: to itself).
#pragma compss task
std::vector<double> trend(Stats a, Stats b, Stats c, Stats d) {
  return {1.0, b.peak / a.peak, c.peak / b.peak, d.peak / c.peak};
}

#ifndef __COMPSS__
// The sequential build: no runtime to run the programs, so these bodies run them here.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {
std::string app_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string exe(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  return exe.substr(0, exe.rfind('/'));
}

int run(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return 127;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

int preprocess(const std::string& out, int cells, int seed) {
  return run({app_dir() + "/monarch_prep", out, std::to_string(cells), std::to_string(seed)});
}

int simulate(const std::string& init, int steps, int every, const std::string& o1,
             const std::string& o2, const std::string& o3, const std::string& o4) {
  // One rank, started without mpirun (an MPI singleton).
  return run({app_dir() + "/monarch_sim", init, std::to_string(steps), std::to_string(every), o1,
              o2, o3, o4});
}
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: monarch <work-dir> [cells=400] [steps=40]\n");
    return 2;
  }
  const std::string work = argv[1];
  const int cells = argc > 2 ? std::atoi(argv[2]) : 400;
  const int steps = argc > 3 ? std::atoi(argv[3]) : 40;
  if (cells < 4 || steps < 4 || steps % 4 != 0) {
    std::fprintf(stderr, "monarch: cells >= 4 and steps a multiple of 4 (>= 4)\n");
    return 2;
  }
  const std::string init = work + "/init.txt";
  std::vector<std::string> out;
  for (int k = 1; k <= 4; ++k) out.push_back(work + "/step_" + std::to_string(k * steps / 4) + ".txt");

  const int prep_rc = preprocess(init, cells, 7);
  const int sim_rc = simulate(init, steps, steps / 4, out[0], out[1], out[2], out[3]);
  std::vector<compss::Future<Stats>> stats;
  for (int k = 0; k < 4; ++k) stats.push_back(analyse(out[k], k + 1));
  compss::Future<std::vector<double>> decay = trend(stats[0], stats[1], stats[2], stats[3]);

  std::printf("preprocess: exit %d; simulate: exit %d\n", prep_rc, sim_rc);
  for (int k = 0; k < 4; ++k) {
    const Stats& s = stats[k].get();
    std::printf("step %3d: mass %.6f  peak %.6f at cell %ld  spread %.4f  peak decay %.4f\n",
                (k + 1) * steps / 4, s.mass, s.peak, s.peak_cell, s.spread, decay.get()[k]);
  }
  return 0;
}
