// Binding (docs/pragmas.md, "Binding"): tasks learn the cores and GPUs they hold, and run
// on them. computing_units=2 tasks that run at once on a node hold disjoint core ids
// (compss::this_task::cpus()) and their thread is pinned to those cores' CPUs
// (sched_getaffinity in the body); GPU tasks hold disjoint GPU ids (this_task::gpus()); a
// binary task sees OMP_NUM_THREADS, COMPSS_BINDED_CPUS/GPUS and CUDA_VISIBLE_DEVICES of
// its constraint. Run with 4 cores and 2 GPUs per node (CORES, GPUS say the same to the
// program) and COMPSS_CPU_AFFINITY=automatic; checked against binding.expected (a binary
// task has no sequential build). argv[1]: a work directory.
#include <compss/compss.hpp>

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::int64_t now_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);  // one clock for every process of the machine
  return std::int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

std::string ids_text(const std::vector<std::uint32_t>& ids) {
  std::string s;
  for (auto i : ids) s += (s.empty() ? "" : ",") + std::to_string(i);
  return s.empty() ? "-" : s;
}

std::vector<std::uint32_t> ids_of(const std::string& text) {
  std::vector<std::uint32_t> out;
  if (text == "-" || text.empty()) return out;
  std::stringstream in(text);
  for (std::string w; std::getline(in, w, ',');) out.push_back(static_cast<std::uint32_t>(std::stoul(w)));
  return out;
}

/// The CPUs the calling thread may run on.
std::vector<std::uint32_t> thread_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<std::uint32_t> out;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) out.push_back(static_cast<std::uint32_t>(c));
  }
  return out;
}

/// Runs `what` once another task of the same kind runs in this process too (or after a
/// few seconds: a node may get one at a time), so that tasks overlap where they can.
/// Returns "<pid> <start> <end> <ids> <its cores> <CPUs of its thread>".
std::string overlapping(int kind, const std::vector<std::uint32_t>& ids) {
  static std::atomic<int> running_of[2];  // tasks of each kind running in this process
  std::atomic<int>& running = running_of[kind];
  running.fetch_add(1);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (running.load() < 2 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::int64_t start = now_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const std::string cpus = ids_text(thread_cpus());
  const std::int64_t end = now_ns();
  running.fetch_sub(1);
  return std::to_string(::getpid()) + " " + std::to_string(start) + " " + std::to_string(end) +
         " " + ids_text(ids) + " " + ids_text(compss::this_task::cpus()) + " " + cpus;
}

}  // namespace

#pragma compss task constraint(computing_units=2)
std::string wide(int) { return overlapping(0, compss::this_task::cpus()); }

// (One core too: pinned to one CPU, visibly so on a machine of 2.)
#pragma compss task constraint(processors="CPU:1,GPU:1")
std::string on_gpu(int) { return overlapping(1, compss::this_task::gpus()); }

#pragma compss binary(binary="/usr/bin/env", stdout="{{out}}")
#pragma compss task file_out(out) constraint(processors="CPU:2,GPU:1")
void show_env(const std::string& out);

namespace {

struct Record {
  long pid = 0;
  std::int64_t start = 0, end = 0;
  std::vector<std::uint32_t> ids, cores, cpus;
};

Record parse(const std::string& line) {
  std::stringstream in(line);
  Record r;
  std::string ids, cores, cpus;
  in >> r.pid >> r.start >> r.end >> ids >> cores >> cpus;
  r.ids = ids_of(ids);
  r.cores = ids_of(cores);
  r.cpus = ids_of(cpus);
  return r;
}

bool disjoint(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  for (auto x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return false;
  }
  return true;
}

/// Checks tasks that held `per_task` ids below `limit` each: overlapping ones in one
/// process hold disjoint ids. Counts overlapping pairs in `overlaps`.
bool check(const std::vector<Record>& rs, std::size_t per_task, std::uint32_t limit, int& overlaps) {
  bool ok = true;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    ok = ok && rs[i].ids.size() == per_task;
    for (auto id : rs[i].ids) ok = ok && id < limit;
    for (std::size_t j = i + 1; j < rs.size(); ++j) {
      if (rs[i].pid != rs[j].pid || rs[i].end <= rs[j].start || rs[j].end <= rs[i].start) continue;
      ++overlaps;
      if (!disjoint(rs[i].ids, rs[j].ids)) {
        std::fprintf(stderr, "tasks %zu and %zu overlap in process %ld holding the same ids\n", i, j, rs[i].pid);
        ok = false;
      }
    }
  }
  return ok;
}

std::map<std::string, std::string> read_env(const std::string& path) {
  std::map<std::string, std::string> env;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: binding <work dir>\n");
    return 2;
  }
  const std::string work = argv[1];
  const std::uint32_t cores = static_cast<std::uint32_t>(std::atoi(std::getenv("CORES") ? std::getenv("CORES") : "4"));
  const std::uint32_t gpus = static_cast<std::uint32_t>(std::atoi(std::getenv("GPUS") ? std::getenv("GPUS") : "2"));
  // Core k is pinned to the k-th CPU the processes may use (all started from here).
  const std::vector<std::uint32_t> usable = thread_cpus();

  std::vector<compss::Future<std::string>> w, g;
  for (int i = 0; i < 12; ++i) w.push_back(wide(i));
  for (int i = 0; i < 12; ++i) g.push_back(on_gpu(i));
  for (int i = 0; i < 4; ++i) show_env(work + "/env" + std::to_string(i) + ".txt");
  std::vector<Record> wr, gr;
  for (auto& f : w) wr.push_back(parse(compss::wait_on(f)));
  for (auto& f : g) gr.push_back(parse(compss::wait_on(f)));
  compss::barrier();

  std::set<long> processes;
  for (const Record& r : wr) processes.insert(r.pid);
  for (const Record& r : gr) processes.insert(r.pid);
  std::fprintf(stderr, "(tasks ran in %zu processes)\n", processes.size());  // (not compared)
  int wide_overlaps = 0, gpu_overlaps = 0;
  const bool wide_ok = check(wr, 2, cores, wide_overlaps);
  bool pinned = true;
  std::vector<Record> all = wr;
  all.insert(all.end(), gr.begin(), gr.end());
  for (const Record& r : all) {
    std::set<std::uint32_t> expected;
    for (auto k : r.cores) expected.insert(usable[k % usable.size()]);
    if (std::vector<std::uint32_t>(expected.begin(), expected.end()) != r.cpus) {
      std::fprintf(stderr, "a task holding cores %s ran on CPUs %s\n", ids_text(r.cores).c_str(),
                   ids_text(r.cpus).c_str());
      pinned = false;
    }
  }
  bool gpu_ok = check(gr, 1, gpus, gpu_overlaps);
  for (const Record& r : gr) gpu_ok = gpu_ok && r.cores.size() == 1;
  std::printf("computing_units=2 tasks: 2 cores each, disjoint while overlapping: %s\n", wide_ok ? "yes" : "no");
  std::printf("computing_units=2 tasks overlapped on a node: %s\n", wide_overlaps > 0 ? "yes" : "no");
  std::printf("every task's thread ran on its cores' CPUs: %s\n", pinned ? "yes" : "no");
  std::printf("GPU tasks: 1 GPU and 1 core each, GPUs disjoint while overlapping: %s\n", gpu_ok ? "yes" : "no");
  std::printf("GPU tasks overlapped on a node: %s\n", gpu_overlaps > 0 ? "yes" : "no");

  for (int i = 0; i < 4; ++i) {
    auto env = read_env(work + "/env" + std::to_string(i) + ".txt");
    const auto cpus = ids_of(env["COMPSS_BINDED_CPUS"]);
    const auto devices = ids_of(env["CUDA_VISIBLE_DEVICES"]);
    const bool ok = env["OMP_NUM_THREADS"] == "2" && cpus.size() == 2 && devices.size() == 1 &&
                    devices[0] < gpus && env["COMPSS_BINDED_GPUS"] == env["CUDA_VISIBLE_DEVICES"] &&
                    std::all_of(cpus.begin(), cpus.end(), [&](auto c) { return c < cores; });
    if (!ok) {
      std::fprintf(stderr, "binary task %d: OMP_NUM_THREADS=%s COMPSS_BINDED_CPUS=%s CUDA_VISIBLE_DEVICES=%s COMPSS_BINDED_GPUS=%s\n",
                   i, env["OMP_NUM_THREADS"].c_str(), env["COMPSS_BINDED_CPUS"].c_str(),
                   env["CUDA_VISIBLE_DEVICES"].c_str(), env["COMPSS_BINDED_GPUS"].c_str());
    }
    std::printf("binary task %d sees OMP_NUM_THREADS=2, 2 bound cores, its GPU as CUDA_VISIBLE_DEVICES: %s\n",
                i, ok ? "yes" : "no");
  }
  return 0;
}
