// A small NMMB-Monarch-like workflow (the use case of docs/external_programs.md): one
// COMPSs program orchestrates a pre-processing script, an MPI simulation, post-processing
// programs and C++ analytics, each a task of one dependency graph.
//   1. preprocess  (binary task, a shell script): monarch_prep.sh writes the initial field;
//   2. simulate    (MPI task, 2 processes): monarch_sim diffuses it over the ranks with halo
//                  exchanges and writes the field every steps/4 steps, 4 output files. A
//                  run whose nodes never hold 2 cores (COMPSS_THREADS=1) runs its version
//                  simulate_one_rank instead (1 process: the same files, bit for bit);
//   3. postprocess (binary tasks, one per output, standard streams bound to files):
//                  monarch_post regrids each output to 8 regions;
//   4. analyse     (C++ tasks, one per output): mass, peak, spread of the full field;
//   5. merge       (C++ task): merges the statistics and the regridded outputs into one
//                  report, summary.txt, which the main program prints.
// The sequential build (pragmas ignored) runs the same programs itself (the simulation as
// one MPI rank) and prints the same.
//   monarch <work-dir> [cells=400] [steps=40]
#include <compss/compss.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

/// What the analytics keep of one output.
struct Stats {
  int step = 0;
  double mass = 0;   ///< sum of the field
  double peak = 0;   ///< its largest value
  long peak_cell = 0;
  double spread = 0;  ///< standard deviation of the cell index, weighted by the field
};

#pragma compss binary(binary="monarch_prep.sh", args="{{out}} {{cells}} {{seed}}", fail_by_exit_value=true)
#pragma compss task file_out(out)
int preprocess(const std::string& out, int cells, int seed);

#pragma compss mpi(runner="mpirun", binary="monarch_sim", processes=2, flags="--bind-to none", args="{{init}} {{steps}} {{every}} {{o1}} {{o2}} {{o3}} {{o4}}", fail_by_exit_value=true)
#pragma compss task file_in(init) file_out(o1, o2, o3, o4)
int simulate(const std::string& init, int steps, int every, const std::string& o1,
             const std::string& o2, const std::string& o3, const std::string& o4);

// The same simulation on one rank: the scheduler runs it where no node can ever hold the
// 2 processes (docs/pragmas.md, "Versions"), so a 1-core run gives the same files.
#pragma compss mpi(runner="mpirun", binary="monarch_sim", processes=1, flags="--bind-to none", args="{{init}} {{steps}} {{every}} {{o1}} {{o2}} {{o3}} {{o4}}", fail_by_exit_value=true)
#pragma compss task file_in(init) file_out(o1, o2, o3, o4)
#pragma compss implement(simulate)
int simulate_one_rank(const std::string& init, int steps, int every, const std::string& o1,
                      const std::string& o2, const std::string& o3, const std::string& o4);

#pragma compss binary(binary="monarch_post", args="{{regions}}", stdin="{{field}}", stdout="{{out}}", fail_by_exit_value=true)
#pragma compss task file_in(field) file_out(out)
int postprocess(const std::string& field, const std::string& out, int regions);

#pragma compss task file_in(path)
Stats analyse(const std::string& path, int step) {
  Stats s;
  s.step = step;
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

/// The report: each output's statistics and how its peak decays from the previous
/// output's, then the regridded outputs side by side (one line per region, the mean of
/// each output). Returns the number of regions merged (0: the regridded files disagree).
#pragma compss task file_in(r1, r2, r3, r4) file_out(report)
int merge(Stats a, Stats b, Stats c, Stats d, const std::string& r1, const std::string& r2,
          const std::string& r3, const std::string& r4, const std::string& report) {
  const Stats all[] = {a, b, c, d};
  std::FILE* out = std::fopen(report.c_str(), "w");
  if (out == nullptr) return 0;
  for (int k = 0; k < 4; ++k) {
    const Stats& s = all[k];
    std::fprintf(out, "step %3d: mass %.6f  peak %.6f at cell %ld  spread %.4f  peak decay %.4f\n",
                 s.step, s.mass, s.peak, s.peak_cell, s.spread, k == 0 ? 1.0 : s.peak / all[k - 1].peak);
  }
  std::ifstream regions[] = {std::ifstream(r1), std::ifstream(r2), std::ifstream(r3), std::ifstream(r4)};
  std::fprintf(out, "region  mean at each output (steps %d..%d)\n", a.step, d.step);
  int merged = 0;
  for (long first = 0;; ++merged) {
    double mean[4] = {}, max = 0;
    long at = 0;
    bool all_read = true, same = true;
    for (int k = 0; k < 4; ++k) {
      all_read = all_read && static_cast<bool>(regions[k] >> at >> mean[k] >> max);
      same = same && (k == 0 ? (first = at, true) : at == first);
    }
    if (!all_read) break;
    if (!same) return 0;
    std::fprintf(out, "%6ld  %10.6f %10.6f %10.6f %10.6f\n", first, mean[0], mean[1], mean[2], mean[3]);
  }
  return std::fclose(out) == 0 ? merged : 0;
}

#ifndef __COMPSS__
// The sequential build: no runtime to run the programs, so these bodies run them here.
#include <fcntl.h>
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

/// Runs argv[0] with its standard input and output from/to the given files (if not empty).
int run(const std::vector<std::string>& argv, const std::string& in = {}, const std::string& out = {}) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t files;
  ::posix_spawn_file_actions_init(&files);
  if (!in.empty()) ::posix_spawn_file_actions_addopen(&files, 0, in.c_str(), O_RDONLY, 0);
  if (!out.empty()) ::posix_spawn_file_actions_addopen(&files, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, args[0], &files, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&files);
  if (spawned != 0) return 127;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

int preprocess(const std::string& out, int cells, int seed) {
  return run({app_dir() + "/monarch_prep.sh", out, std::to_string(cells), std::to_string(seed)});
}

int simulate(const std::string& init, int steps, int every, const std::string& o1,
             const std::string& o2, const std::string& o3, const std::string& o4) {
  // One rank, started without mpirun (an MPI singleton).
  return run({app_dir() + "/monarch_sim", init, std::to_string(steps), std::to_string(every), o1,
              o2, o3, o4});
}

int postprocess(const std::string& field, const std::string& out, int regions) {
  return run({app_dir() + "/monarch_post", std::to_string(regions)}, field, out);
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
  if (cells < 8 || steps < 4 || steps % 4 != 0) {
    std::fprintf(stderr, "monarch: cells >= 8 and steps a multiple of 4 (>= 4)\n");
    return 2;
  }
  const std::string init = work + "/init.txt";
  std::vector<std::string> out, regions;
  for (int k = 1; k <= 4; ++k) {
    out.push_back(work + "/step_" + std::to_string(k * steps / 4) + ".txt");
    regions.push_back(work + "/step_" + std::to_string(k * steps / 4) + ".regions.txt");
  }
  const std::string summary = work + "/summary.txt";

  // (Futures: main goes on submitting; it waits where it prints.)
  compss::Future<int> prep_rc = preprocess(init, cells, 7);
  compss::Future<int> sim_rc = simulate(init, steps, steps / 4, out[0], out[1], out[2], out[3]);
  std::vector<compss::Future<int>> post_rc;
  std::vector<compss::Future<Stats>> stats;
  for (int k = 0; k < 4; ++k) {
    post_rc.push_back(postprocess(out[k], regions[k], 8));
    stats.push_back(analyse(out[k], (k + 1) * steps / 4));
  }
  compss::Future<int> merged = merge(stats[0], stats[1], stats[2], stats[3], regions[0], regions[1],
                           regions[2], regions[3], summary);

  std::printf("preprocess: exit %d; simulate: exit %d; postprocess: exit %d %d %d %d; merged %d regions\n",
              prep_rc.get(), sim_rc.get(), post_rc[0].get(), post_rc[1].get(), post_rc[2].get(),
              post_rc[3].get(), merged.get());
  compss::wait_on_file(summary);
  std::ifstream report(summary);
  std::cout << report.rdbuf();
  return 0;
}
