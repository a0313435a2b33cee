// Shared by the three implementations of the overhead benchmark: the data, the task
// bodies, the command line, and the output line. Nothing here knows about tasks.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace overhead {

/// One datum of the task graphs, alone on its cache line.
struct alignas(64) Cell {
  double v = 1.0;
};

enum class Graph { independent, chain, stencil };
enum class Body { empty, busy };

/// Iterations of spin(): about 1 microsecond on the x86-64 cores we measured on (a chain of
/// dependent multiply-adds that no compiler may shorten without -ffast-math).
constexpr int kSpinIterations = 600;

/// The "busy" body, the same function in every implementation.
[[gnu::noinline]] inline double spin(double x) {
  for (int i = 0; i < kSpinIterations; ++i) x = x * 0.999999 + 1e-6;
  return x;
}

/// Width of the stencil: two cells per hardware thread, at least 3 (so that the left,
/// centre and right neighbours of a cell are three different cells).
inline int stencil_width() {
  return std::max(3, 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

struct Options {
  Graph graph = Graph::independent;
  Body body = Body::empty;
  long tasks = 0;    ///< total tasks of one run (for the stencil: steps * width)
  long steps = 0;    ///< stencil time steps
  int width = 0;     ///< stencil width
  int reps = 5;      ///< measured runs, after one unmeasured warm-up run
  const char* graph_name = "";
  const char* body_name = "";
};

/// usage: <impl> <independent|chain|stencil> <tasks> <empty|busy> [repetitions]
inline Options parse(int argc, char** argv) {
  Options o;
  auto usage = [&] {
    std::fprintf(stderr,
                 "usage: %s <independent|chain|stencil> <tasks> <empty|busy> [repetitions]\n"
                 "prints one line per repetition:\n"
                 "  impl graph body tasks seconds us_per_task tasks_per_s\n",
                 argv[0]);
    std::exit(2);
  };
  if (argc < 4 || argc > 5) usage();
  o.graph_name = argv[1];
  if (!std::strcmp(argv[1], "independent")) o.graph = Graph::independent;
  else if (!std::strcmp(argv[1], "chain")) o.graph = Graph::chain;
  else if (!std::strcmp(argv[1], "stencil")) o.graph = Graph::stencil;
  else usage();
  o.tasks = std::atol(argv[2]);
  o.body_name = argv[3];
  if (!std::strcmp(argv[3], "empty")) o.body = Body::empty;
  else if (!std::strcmp(argv[3], "busy")) o.body = Body::busy;
  else usage();
  if (argc == 5) o.reps = std::atoi(argv[4]);
  if (o.tasks <= 0 || o.reps <= 0) usage();
  if (o.graph == Graph::stencil) {
    o.width = stencil_width();
    o.steps = std::max(1L, o.tasks / o.width);
    o.tasks = o.steps * o.width;
  }
  return o;
}

/// Cells a graph needs: one per independent task, one for the chain, (steps + 1) rows of
/// `width` for the stencil (row t is read by step t and row t + 1 written by it).
inline long cells_needed(const Options& o) {
  switch (o.graph) {
    case Graph::independent: return o.tasks;
    case Graph::chain: return 1;
    case Graph::stencil: return (o.steps + 1) * o.width;
  }
  return 0;
}

/// The task bodies, the same code in every implementation: `empty` does nothing, `busy`
/// about 1 µs of arithmetic. touch_* is one task of independent/chain, step_* one stencil
/// task (reads three cells of row t, writes one of row t + 1).
namespace body {
inline void touch_empty(Cell& c) { (void)c; }
inline void touch_busy(Cell& c) { c.v = spin(c.v); }
inline void step_empty(const Cell& l, const Cell& c, const Cell& r, Cell& o) {
  (void)l, (void)c, (void)r, (void)o;
}
inline void step_busy(const Cell& l, const Cell& c, const Cell& r, Cell& o) {
  o.v = spin((l.v + c.v + r.v) / 3.0);
}
}  // namespace body

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void report(const char* impl, const Options& o, double seconds) {
  std::printf("%s %s %s %ld %.6f %.4f %.0f\n", impl, o.graph_name, o.body_name, o.tasks, seconds,
              seconds * 1e6 / static_cast<double>(o.tasks),
              static_cast<double>(o.tasks) / seconds);
  std::fflush(stdout);
}

}  // namespace overhead
