// Scheduler scale: placements per second over 1,000 simulated nodes, with and without
// constraints, and heap bytes per pending task with 1,000,000 pending (README.md).
#include "sched/scheduler.hpp"

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

using namespace compss::sched;
using compss::detail::Constraint;

namespace {

/// Records placements; the benchmark ends them oldest first.
class RecordingExecutor final : public NodeExecutor {
 public:
  explicit RecordingExecutor(std::deque<Placement>& running) : running_(running) {}
  void run(Placement p, Completion&) override { running_.push_back(std::move(p)); }

 private:
  std::deque<Placement>& running_;
};

Version version(const char* name, std::vector<Constraint> pairs) {
  return {name, parse_constraints(name, pairs.data(), pairs.size())};
}

/// Node i: 8 cores; memory 16, 32 or 64 GB; every fourth node has 2 GPUs; x86_64 or
/// aarch64; half have "blast" installed.
Resources node_resources(int i) {
  Resources r;
  r.processors.push_back({.type = ProcessorType::cpu, .units = 8,
                          .architecture = i % 3 == 0 ? "aarch64" : "x86_64"});
  if (i % 4 == 0) r.processors.push_back({.type = ProcessorType::gpu, .units = 2});
  r.memory_gb = 16.0 * (1 << (i % 3));
  if (i % 2 == 0) r.software = {"blast"};
  return r;
}

std::size_t heap_in_use() { return mallinfo2().uordblks; }

struct Result {
  double drain_per_s;   ///< placements/s made by ends, 1,000,000 pending
  double submit_per_s;  ///< placements/s made by submissions, nodes half busy
  double bytes_per_pending;
  std::size_t pending;
};

Result run(const std::vector<TaskType>& types, std::size_t tasks, int nodes) {
  std::deque<Placement> running;
  RecordingExecutor executor(running);
  Scheduler s({});
  for (int i = 0; i < nodes; ++i) s.add_node("node-" + std::to_string(i), node_resources(i), executor);
  std::vector<const TaskClass*> classes;
  for (const TaskType& t : types) classes.push_back(s.register_type(t));

  const std::size_t heap_before = heap_in_use();
  for (std::size_t k = 0; k < tasks; ++k) {
    s.submit(reinterpret_cast<void*>(k + 1), classes[k % classes.size()]);
  }
  const std::size_t pending = s.waiting();
  const std::size_t heap_pending = heap_in_use();
  const std::size_t placed_at_submit = tasks - pending;

  auto t0 = std::chrono::steady_clock::now();
  std::size_t ended = 0;
  while (!running.empty()) {
    Placement p = std::move(running.front());
    running.pop_front();
    s.ended(p);
    ++ended;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (ended != tasks || s.waiting() != 0) {
    std::fprintf(stderr, "sched_scale: %zu of %zu tasks ended, %zu still waiting\n", ended, tasks,
                 s.waiting());
    std::exit(1);
  }
  // Each end released one task and placed the next waiting one: count the placements made
  // while draining (those made at submission are not timed).
  double drain = static_cast<double>(tasks - placed_at_submit) / seconds;

  // Steady state with nothing waiting: about half the cores busy, each submission is placed
  // at once (a search over the nodes), and the oldest running task ends.
  std::size_t k = 0;
  while (s.waiting() == 0 && running.size() < static_cast<std::size_t>(nodes) * 4) {
    s.submit(reinterpret_cast<void*>(++k), classes[k % classes.size()]);
  }
  t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < tasks; ++i) {
    s.submit(reinterpret_cast<void*>(++k), classes[k % classes.size()]);
    Placement p = std::move(running.front());
    running.pop_front();
    s.ended(p);
  }
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {drain, static_cast<double>(tasks) / seconds,
          pending == 0 ? 0.0
                       : static_cast<double>(heap_pending - heap_before) / static_cast<double>(pending),
          pending};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t tasks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int nodes = 1000;

  std::vector<TaskType> plain = {{.name = "plain", .versions = {version("plain", {})}}};
  std::vector<TaskType> constrained = {
      {.name = "cores", .versions = {version("cores", {{"computing_units", "2"}, {"memory_size", "4"}})}},
      {.name = "big", .versions = {version("big", {{"memory_size", "24"},
                                                  {"processor_architecture", "x86_64"}})}},
      {.name = "train",
       .versions = {version("train", {{"computing_units", "4"}}),
                    version("train_gpu", {{"processor_type", "GPU"}, {"memory_size", "8"}})}},
      {.name = "align", .versions = {version("align", {{"app_software", "blast"}, {"memory_size", "2"}})}},
  };

  std::printf("scheduler scale: %d nodes (8 cores, 16-64 GB, a GPU pair on every 4th), %zu tasks\n",
              nodes, tasks);
  std::printf("%-24s %18s %18s %20s\n", "tasks", "placements/s", "placements/s", "heap bytes");
  std::printf("%-24s %18s %18s %20s\n", "", "(ends, 1M pending)", "(submits, 0 wait)", "per pending task");
  for (auto& [name, types] : {std::pair{"unconstrained", &plain},
                              std::pair{"constrained (4 types)", &constrained}}) {
    Result r = run(*types, tasks, nodes);
    std::printf("%-24s %18.0f %18.0f %20.1f   (%zu pending)\n", name, r.drain_per_s,
                r.submit_per_s, r.bytes_per_pending, r.pending);
  }
  return 0;
}
