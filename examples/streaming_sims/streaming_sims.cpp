// streaming_sims: simulations that write one output file per time step, and tasks that
// process each output (docs/streams.md). Two versions of one workflow, both printing their
// results (stdout) and their time (stderr):
//
//   streaming: each simulation is an MPI task (`streaming_sims_sim`, run through mpirun)
//              whose stream_out parameter is a compss::FileStream: the program gets the
//              stream's directory as an argument and writes each step's file there; the
//              main program polls the stream and submits a processing task per file as it
//              arrives, so the processing of step i runs while the simulation computes the
//              next steps;
//   batch:     the same MPI program writes its files into a plain directory; the main
//              program waits for its end, then submits the processing tasks.
//
// Per simulation the processed outputs are merged (in step order) by one task. The
// sequential build (pragmas ignored) runs the same program itself, as one MPI rank, and
// prints the same results.
//
//   ./streaming_sims [simulations] [steps] [work per step] [wait per step, ms]
//                    [work per output] [work dir]   (defaults: 2 8 1000000 300 20000000)
//
// A simulation step waits `wait per step` ms (the part of a step that leaves this machine's
// cores idle: ranks elsewhere, I/O), then computes (`work per step`). The analysis of an
// output is heavier (`work per output`) and runs on the cores. The files go to `work dir`
// (on a cluster: a directory of the shared file system), by default to a new directory
// under the system's temporary one, removed at the end.
#include <compss/compss.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

// One simulation, streaming: its step files go into `outputs`'s directory (the program's
// first argument), where the main program's polls find them.
#pragma compss mpi(runner="mpirun", binary="streaming_sims_sim", processes=1, flags="--bind-to none", args="{{outputs}} {{sim}} {{steps}} {{work}} {{wait_ms}}", fail_by_exit_value=true)
#pragma compss task stream_out(outputs)
int simulate_streaming(compss::FileStream& outputs, int sim, int steps, long work, long wait_ms);

// The same simulation writing into a plain directory; its exit code says when it is done.
#pragma compss mpi(runner="mpirun", binary="streaming_sims_sim", processes=1, flags="--bind-to none", args="{{dir}} {{sim}} {{steps}} {{work}} {{wait_ms}}", fail_by_exit_value=true)
#pragma compss task
int simulate_batch(const std::string& dir, int sim, int steps, long work, long wait_ms);

// One sweep of the toy diffusion over the periodic field (as the simulation's).
static void sweep(std::vector<double>& f, std::vector<double>& next) {
  const std::size_t n = f.size();
  for (std::size_t i = 0; i < n; ++i) next[i] = 0.5 * f[i] + 0.25 * (f[(i + n - 1) % n] + f[(i + 1) % n]);
  f.swap(next);
}

// Analysis of one output file: `work` operations on the cores, then its energy weighted by
// its step.
#pragma compss task file_in(path)
double process(const std::string& path, long work) {
  std::ifstream in(path);
  int sim = -1, step = -1;
  in >> sim >> step;
  std::vector<double> f;
  for (double v; in >> v;) f.push_back(v);
  if (step < 0 || f.empty()) return std::nan("");  // (shows in the results: never equal)
  std::vector<double> next(f.size());
  for (long k = 0; k < work / static_cast<long>(f.size()); ++k) sweep(f, next);
  double energy = 0;
  for (double v : f) energy += v * v;
  return energy * (step + 1);
}

#pragma compss task
double merge(const std::vector<double>& per_step) {
  double total = 0;
  for (double v : per_step) total += v;
  return total;
}

#ifndef __COMPSS__
// The sequential build: no runtime to run the program, so these bodies run it here, as one
// MPI rank started without mpirun (an MPI singleton).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {
int run_simulation(const std::string& dir, int sim, int steps, long work, long wait_ms) {
  char buf[4096];
  const ssize_t len = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  const std::string exe(buf, len > 0 ? static_cast<std::size_t>(len) : 0);
  std::vector<std::string> argv{exe.substr(0, exe.rfind('/')) + "/streaming_sims_sim", dir,
                                std::to_string(sim), std::to_string(steps), std::to_string(work),
                                std::to_string(wait_ms)};
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return 127;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
}  // namespace

int simulate_streaming(compss::FileStream& outputs, int sim, int steps, long work, long wait_ms) {
  const int rc = run_simulation(outputs.base_dir().string(), sim, steps, work, wait_ms);
  if (rc != 0) std::fprintf(stderr, "streaming_sims: simulation %d exited with %d\n", sim, rc), std::exit(1);
  return rc;
}

int simulate_batch(const std::string& dir, int sim, int steps, long work, long wait_ms) {
  const int rc = run_simulation(dir, sim, steps, work, wait_ms);
  if (rc != 0) std::fprintf(stderr, "streaming_sims: simulation %d exited with %d\n", sim, rc), std::exit(1);
  return rc;
}
#endif

// Merges each simulation's processed steps, in step order, with one task per simulation.
static std::vector<double> merge_all(std::vector<std::vector<compss::Future<double>>>& processed) {
  std::vector<compss::Future<double>> merged_futures;
  std::vector<std::vector<double>> values(processed.size());  // read in place by the merges
  for (std::size_t s = 0; s < processed.size(); ++s) {
    for (auto& f : processed[s]) values[s].push_back(compss::wait_on(f));
    merged_futures.push_back(merge(values[s]));
  }
  std::vector<double> merged;
  for (auto& f : merged_futures) merged.push_back(compss::wait_on(f));
  return merged;
}

using Clock = std::chrono::steady_clock;

static void print(const char* version, std::vector<double>& merged, Clock::time_point start) {
  for (std::size_t s = 0; s < merged.size(); ++s) std::printf("%s sim %zu: %.9e\n", version, s, merged[s]);
  std::fprintf(stderr, "%s: %.3f s\n", version, std::chrono::duration<double>(Clock::now() - start).count());
}

[[noreturn]] static void fail(const std::string& what) {
  std::fprintf(stderr, "streaming_sims: %s\n", what.c_str());
  std::exit(1);
}

// The simulation and step of a step file's name (sim<S>_step<K>.txt); false for another name.
static bool step_of(const fs::path& file, int sims, int steps, int& sim, int& step) {
  char tail = 0;
  return std::sscanf(file.filename().c_str(), "sim%d_step%d.tx%c", &sim, &step, &tail) == 3 &&
         tail == 't' && file.filename() == "sim" + std::to_string(sim) + "_step" + std::to_string(step) + ".txt" &&
         sim >= 0 && sim < sims && step >= 0 && step < steps;
}

int main(int argc, char** argv) {
  const int sims = argc > 1 ? std::atoi(argv[1]) : 2;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 8;
  const long work = argc > 3 ? std::atol(argv[3]) : 1000000;
  const long wait_ms = argc > 4 ? std::atol(argv[4]) : 300;
  const long output_work = argc > 5 ? std::atol(argv[5]) : 20000000;
  if (argc > 7 || sims < 1 || steps < 1 || work < 256 || wait_ms < 0 || output_work < 256) {
    std::fprintf(stderr,
                 "usage: streaming_sims [simulations >= 1] [steps >= 1] [work per step >= 256] "
                 "[wait per step, ms >= 0] [work per output >= 256] [work dir]\n");
    return 2;
  }
  const auto n = static_cast<std::size_t>(sims);
  fs::path root;
  if (argc > 6) {
    root = fs::absolute(argv[6]);
  } else {
    std::string tmpl = (fs::temp_directory_path() / "streaming_sims.XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) fail("cannot make a directory in " + fs::temp_directory_path().string());
    root = tmpl;
  }
  const fs::path stream_dir = root / "stream", batch_dir = root / "batch";
  std::error_code ec;
  for (const fs::path& d : {stream_dir, batch_dir}) {
    if (fs::exists(d) && !fs::is_empty(d)) fail(d.string() + " is not empty (files of an earlier run?)");
    fs::create_directories(d, ec);
    if (ec) fail("cannot make " + d.string() + ": " + ec.message());
  }

  // Streaming: processing tasks are submitted as the step files arrive.
  {
    const auto start = Clock::now();
    compss::FileStream outputs(stream_dir, "step-outputs");
    outputs.publish(std::vector<fs::path>{});  // held open while the simulations are submitted
    // (Their exit codes are not kept: a failed simulation fails the run, fail_by_exit_value.)
    for (int s = 0; s < sims; ++s) simulate_streaming(outputs, s, steps, work, wait_ms);
    outputs.close();
    // Per simulation, (step, processed) as they arrive: a scan may find files in any order.
    std::vector<std::vector<std::pair<int, compss::Future<double>>>> arrived(n);
    std::deque<std::string> paths;  // the tasks read them in place: kept until the end
    while (!outputs.is_closed()) {
      for (const fs::path& file : outputs.poll(0.05)) {
        int sim = 0, step = 0;
        if (!step_of(file, sims, steps, sim, step)) fail("unexpected file in the stream: " + file.string());
        paths.push_back(file.string());
        arrived[static_cast<std::size_t>(sim)].emplace_back(step, process(paths.back(), output_work));
      }
    }
    std::vector<std::vector<compss::Future<double>>> processed(n);
    for (std::size_t s = 0; s < n; ++s) {
      std::sort(arrived[s].begin(), arrived[s].end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t k = 0; k < arrived[s].size(); ++k) {
        if (arrived[s][k].first != static_cast<int>(k)) fail("simulation " + std::to_string(s) + ": step " + std::to_string(k) + " missing or twice in the stream");
        processed[s].push_back(std::move(arrived[s][k].second));
      }
      if (processed[s].size() != static_cast<std::size_t>(steps)) fail("simulation " + std::to_string(s) + ": " + std::to_string(processed[s].size()) + " of " + std::to_string(steps) + " steps arrived");
    }
    std::vector<double> merged = merge_all(processed);
    print("streaming", merged, start);
  }

  // Batch: the same simulations and analyses, processing after each simulation's end.
  {
    const auto start = Clock::now();
    std::vector<compss::Future<int>> runs;
    for (int s = 0; s < sims; ++s) runs.push_back(simulate_batch(batch_dir.string(), s, steps, work, wait_ms));
    std::vector<std::vector<compss::Future<double>>> processed(n);
    std::deque<std::string> paths;  // read in place by the tasks
    for (std::size_t s = 0; s < n; ++s) {
      compss::wait_on(runs[s]);  // (a failed simulation fails the run: fail_by_exit_value)
      for (int k = 0; k < steps; ++k) {
        paths.push_back((batch_dir / ("sim" + std::to_string(s) + "_step" + std::to_string(k) + ".txt")).string());
        processed[s].push_back(process(paths.back(), output_work));
      }
    }
    std::vector<double> merged = merge_all(processed);
    print("batch", merged, start);
  }
  if (argc <= 6) fs::remove_all(root, ec);
  return 0;
}
