// Task overhead, oneTBB flow-graph version: the same graphs as overhead_compss.cpp, as a
// tbb::flow::graph of continue_nodes (one per task) joined by edges. A run builds the whole
// graph, starts the nodes without predecessors, and waits for the graph; building and
// destroying the nodes is part of the measured time, as submission is for the others.
#include <deque>
#include <vector>

#include <oneapi/tbb/flow_graph.h>

#include "common.hpp"

using overhead::Cell;
namespace flow = oneapi::tbb::flow;
using Node = flow::continue_node<flow::continue_msg>;

using overhead::body::step_busy;
using overhead::body::step_empty;
using overhead::body::touch_busy;
using overhead::body::touch_empty;

static void run(const overhead::Options& o, Cell* cells) {
  const bool busy = o.body == overhead::Body::busy;
  flow::graph g;
  std::deque<Node> nodes;  // a deque never moves its nodes
  std::vector<Node*> sources;
  switch (o.graph) {
    case overhead::Graph::independent:
      for (long i = 0; i < o.tasks; ++i) {
        Cell* c = &cells[i];
        if (busy) nodes.emplace_back(g, [c](const flow::continue_msg&) { touch_busy(*c); });
        else nodes.emplace_back(g, [c](const flow::continue_msg&) { touch_empty(*c); });
        sources.push_back(&nodes.back());
      }
      break;
    case overhead::Graph::chain:
      for (long i = 0; i < o.tasks; ++i) {
        Cell* c = &cells[0];
        if (busy) nodes.emplace_back(g, [c](const flow::continue_msg&) { touch_busy(*c); });
        else nodes.emplace_back(g, [c](const flow::continue_msg&) { touch_empty(*c); });
        if (i == 0) sources.push_back(&nodes.back());
        else flow::make_edge(nodes[i - 1], nodes[i]);
      }
      break;
    case overhead::Graph::stencil: {
      const long w = o.width;
      for (long t = 0; t < o.steps; ++t) {
        for (long i = 0; i < w; ++i) {
          const long l = (i + w - 1) % w, r = (i + 1) % w;  // periodic boundary
          Cell* in = &cells[t * w];
          Cell* out = &cells[(t + 1) * w + i];
          if (busy) {
            nodes.emplace_back(g, [=](const flow::continue_msg&) {
              step_busy(in[l], in[i], in[r], *out);
            });
          } else {
            nodes.emplace_back(g, [=](const flow::continue_msg&) {
              step_empty(in[l], in[i], in[r], *out);
            });
          }
          if (t == 0) {
            sources.push_back(&nodes.back());
          } else {  // the tasks of step t - 1 that wrote cells l, i, r of row t
            const long prev = (t - 1) * w;
            flow::make_edge(nodes[prev + l], nodes.back());
            flow::make_edge(nodes[prev + i], nodes.back());
            flow::make_edge(nodes[prev + r], nodes.back());
          }
        }
      }
      break;
    }
  }
  for (Node* s : sources) s->try_put(flow::continue_msg());
  g.wait_for_all();
}

int main(int argc, char** argv) {
  const overhead::Options o = overhead::parse(argc, argv);
  std::vector<Cell> cells(static_cast<std::size_t>(overhead::cells_needed(o)));
  for (int rep = 0; rep <= o.reps; ++rep) {  // rep 0 is the warm-up
    const double t0 = overhead::now();
    run(o, cells.data());
    const double t1 = overhead::now();
    if (rep > 0) overhead::report("tbb", o, t1 - t0);
  }
  return 0;
}
