// A program whose trace is known (tests/trace): 6 vectors of 256 KiB made, each scaled,
// then the dot product of each with the next (so vectors made on different nodes meet),
// and main waits for every product: 6 `make`, 6 `scale`, 6 `dot` tasks, 18 in all. In a
// master-worker run vectors travel between nodes and products to the master. `dot` asks
// for 1 CPU and 0.01 GB of memory.
#include <cstdio>
#include <numeric>
#include <vector>

#pragma compss task out(v)
void make(std::vector<double>& v, int which) {
  v.assign(32768, 1.0 + which);
}

#pragma compss task inout(v)
void scale(std::vector<double>& v, double factor) {
  for (double& x : v) x *= factor;
}

// (Its constraint shows in the trace as the requested CPUs and memory, 8000008/8000010.)
#pragma compss task in(a, b) out(product) constraint(computing_units=1, memory_size=0.01)
void dot(const std::vector<double>& a, const std::vector<double>& b, double& product) {
  product = std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

int main() {
  constexpr int n = 6;
  std::vector<std::vector<double>> v(n);
  std::vector<double> products(n, 0.0);
  for (int i = 0; i < n; ++i) make(v[i], i);
  for (int i = 0; i < n; ++i) scale(v[i], 2.0);
  for (int i = 0; i < n; ++i) dot(v[i], v[(i + 1) % n], products[i]);
#pragma compss wait_on(products)
  const double total = std::accumulate(products.begin(), products.end(), 0.0);
  std::printf("total = %.0f\n", total);
  return 0;
}
