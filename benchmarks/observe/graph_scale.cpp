// Task graph scale (README.md): the events of a 100,000-task run (a stencil: each task
// reads its block and its two neighbours' previous versions and writes its block, with a
// wait_on every 10,000 tasks) fed to rt::observe::TaskGraph, then its DOT written to a file.
// Prints the time to take the events, to write complete_graph.dot, and its size.
//
// usage: graph_scale [tasks] [output dir]   (defaults: 100000, a temporary folder)
#include "observe/graph_dot.hpp"
#include "observe/graph_files.hpp"
#include "observe/task_graph.hpp"
#include "stencil_events.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace compss;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  const std::uint64_t tasks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const std::string dir = argc > 2 ? argv[2]
                                   : (std::filesystem::temp_directory_path() / "compss_graph_scale").string();
  constexpr std::uint64_t blocks = 100;
  rt::observe::TaskGraph graph;
  std::vector<std::uint64_t> version(blocks + 1, 0);  // datum b+1 = block b
  const char* names[] = {"stencil_edge", "stencil_inner"};

  auto t0 = Clock::now();
  std::vector<rt::DataAccess> data;
  for (std::uint64_t id = 1; id <= tasks; ++id) {
    const std::uint64_t b = bench::stencil_accesses(id, blocks, version, data);
    const bool edge = b == 0 || b == blocks - 1;
    graph.on_submitted({id, names[edge ? 0 : 1], {}, data, 0, {}});
    graph.on_ready({id, 0});
    graph.on_started({id, 1, {static_cast<int>(id % 3), "node", 0}, 0});
    graph.on_ended({id, rt::TaskOutcome::success, 1, false, 0});
    if (id % 10000 == 0) {
      rt::DataAccess waited{b + 1, version[b + 1]};
      graph.on_activity({rt::Activity::wait_on, true, 0, {&waited, 1}});
    }
  }
  const double take = seconds_since(t0);

  auto t1 = Clock::now();
  rt::observe::GraphFiles files = rt::observe::write_graph_files(graph.snapshot(), dir, 0);  // DOT only
  const double write = seconds_since(t1);
  if (!files.error.empty()) {
    std::fprintf(stderr, "graph_scale: %s\n", files.error.c_str());
    return 1;
  }
  const auto size = std::filesystem::file_size(files.dot);
  std::printf("tasks: %llu\n", static_cast<unsigned long long>(tasks));
  std::printf("events taken: %.3f s (%.0f ns per task)\n", take, take * 1e9 / tasks);
  std::printf("complete_graph.dot written: %.3f s (%.1f MB, %s)\n", write, size / 1e6, files.dot.c_str());
  return 0;
}
