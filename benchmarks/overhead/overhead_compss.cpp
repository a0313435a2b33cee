// Task overhead, COMPSs version: every call of a task function below is one task, and the
// runtime derives the graph from the addresses of the Cells each call reads and writes.
// Built with compss-cc it reports as "compss"; built with a plain compiler (pragmas
// ignored) the calls run one after the other and it reports as "seq": the baseline cost
// of the bodies themselves.
#include <vector>

#include "common.hpp"

using overhead::Cell;

// independent (each call on its own cell) and chain (every call on the same cell).
#pragma compss task inout(c)
void touch_empty(Cell& c) { overhead::body::touch_empty(c); }

#pragma compss task inout(c)
void touch_busy(Cell& c) { overhead::body::touch_busy(c); }

// stencil: reads three cells of row t, writes one cell of row t + 1.
#pragma compss task in(l, c, r) out(o)
void step_empty(const Cell& l, const Cell& c, const Cell& r, Cell& o) {
  overhead::body::step_empty(l, c, r, o);
}

#pragma compss task in(l, c, r) out(o)
void step_busy(const Cell& l, const Cell& c, const Cell& r, Cell& o) {
  overhead::body::step_busy(l, c, r, o);
}

static void submit(const overhead::Options& o, std::vector<Cell>& cells) {
  const bool busy = o.body == overhead::Body::busy;
  switch (o.graph) {
    case overhead::Graph::independent:
      for (long i = 0; i < o.tasks; ++i) {
        if (busy) touch_busy(cells[i]);
        else touch_empty(cells[i]);
      }
      break;
    case overhead::Graph::chain:
      for (long i = 0; i < o.tasks; ++i) {
        if (busy) touch_busy(cells[0]);
        else touch_empty(cells[0]);
      }
      break;
    case overhead::Graph::stencil: {
      const long w = o.width;
      for (long t = 0; t < o.steps; ++t) {
        Cell* in = &cells[t * w];
        Cell* out = &cells[(t + 1) * w];
        for (long i = 0; i < w; ++i) {
          const long l = (i + w - 1) % w, r = (i + 1) % w;  // periodic boundary
          if (busy) step_busy(in[l], in[i], in[r], out[i]);
          else step_empty(in[l], in[i], in[r], out[i]);
        }
      }
      break;
    }
  }
}

int main(int argc, char** argv) {
#ifdef __COMPSS__
  const char* impl = "compss";
#else
  const char* impl = "seq";
#endif
  const overhead::Options o = overhead::parse(argc, argv);
  std::vector<Cell> cells(static_cast<std::size_t>(overhead::cells_needed(o)));
  for (int rep = 0; rep <= o.reps; ++rep) {  // rep 0 is the warm-up
    const double t0 = overhead::now();
    submit(o, cells);
#pragma compss barrier
    const double t1 = overhead::now();
    if (rep > 0) overhead::report(impl, o, t1 - t0);
  }
  return 0;
}
