// number_of_resources() is the run's nodes, as PyCOMPSs' compss_get_number_of_resources
// (docs/runtime.md): 1 in the sequential build and a local run; under compss-run the live
// workers plus the master when it has cores. The number differs between runs by design,
// so it goes to stderr (resources.sh checks it); stdout is a sum computed over a fixed
// number of blocks, the same in every build.
#include <compss/compss.hpp>

#include <array>
#include <cstdio>

#pragma compss task inout(block)
void fill(std::array<long, 64> &block, int first) {
  for (int i = 0; i < 64; ++i) block[i] = static_cast<long>(first + i) * (first + i);
}

int main() {
  // Before any task: under compss-run the runtime starts (and its workers connect) to answer.
  const unsigned at_start = compss::number_of_resources();
  constexpr int blocks = 8;  // fixed: the result does not depend on the run's nodes
  std::array<std::array<long, 64>, blocks> data{};
  for (int b = 0; b < blocks; ++b) fill(data[b], 64 * b);
#pragma compss wait_on(data)
  long sum = 0;
  for (const auto &block : data)
    for (long v : block) sum += v;
  std::fprintf(stderr, "resources: %u at start, %u after the tasks\n", at_start,
               compss::number_of_resources());
  std::printf("sum of squares below %d: %ld\n", 64 * blocks, sum);
  return 0;
}
