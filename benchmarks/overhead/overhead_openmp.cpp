// Task overhead, OpenMP version: the same graphs as overhead_compss.cpp, written as
// explicit OpenMP tasks with depend clauses on the same Cells. One thread creates the
// tasks (`single`), the team runs them; `taskwait` ends a run.
// Build: clang++-19 -std=c++20 -O2 -fopenmp=libomp overhead_openmp.cpp -o overhead_openmp
#include <vector>

#include "common.hpp"

using overhead::Cell;

using overhead::body::step_busy;
using overhead::body::step_empty;
using overhead::body::touch_busy;
using overhead::body::touch_empty;

// Called by the one thread inside `single`.
static void submit(const overhead::Options& o, Cell* cells) {
  const bool busy = o.body == overhead::Body::busy;
  switch (o.graph) {
    case overhead::Graph::independent:
      for (long i = 0; i < o.tasks; ++i) {
#pragma omp task default(none) firstprivate(cells, i, busy) depend(inout : cells[i])
        {
          if (busy) touch_busy(cells[i]);
          else touch_empty(cells[i]);
        }
      }
      break;
    case overhead::Graph::chain:
      for (long i = 0; i < o.tasks; ++i) {
#pragma omp task default(none) firstprivate(cells, busy) depend(inout : cells[0])
        {
          if (busy) touch_busy(cells[0]);
          else touch_empty(cells[0]);
        }
      }
      break;
    case overhead::Graph::stencil: {
      const long w = o.width;
      for (long t = 0; t < o.steps; ++t) {
        Cell* in = &cells[t * w];
        Cell* out = &cells[(t + 1) * w];
        for (long i = 0; i < w; ++i) {
          const long l = (i + w - 1) % w, r = (i + 1) % w;  // periodic boundary
#pragma omp task default(none) firstprivate(in, out, l, i, r, busy) \
    depend(in : in[l], in[i], in[r]) depend(out : out[i])
          {
            if (busy) step_busy(in[l], in[i], in[r], out[i]);
            else step_empty(in[l], in[i], in[r], out[i]);
          }
        }
      }
      break;
    }
  }
#pragma omp taskwait
}

int main(int argc, char** argv) {
  const overhead::Options o = overhead::parse(argc, argv);
  std::vector<Cell> cells(static_cast<std::size_t>(overhead::cells_needed(o)));
  Cell* data = cells.data();
#pragma omp parallel default(none) shared(o, data)
#pragma omp single
  {
    for (int rep = 0; rep <= o.reps; ++rep) {  // rep 0 is the warm-up
      const double t0 = overhead::now();
      submit(o, data);
      const double t1 = overhead::now();
      if (rep > 0) overhead::report("openmp", o, t1 - t0);
    }
  }
  return 0;
}
