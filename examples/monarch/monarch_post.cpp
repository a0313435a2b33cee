// Post-processing of the monarch example (a binary task per simulation output, its
// standard streams bound to files): reads a field from standard input, one value per
// line, and writes it regridded to <regions> equal regions on standard output, one line
// per region: "<first cell> <mean> <max>" (as a model's output is regridded to a coarser
// grid before it is compared).
//   monarch_post <regions> < step_N.txt > step_N.regions.txt
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  const long regions = argc == 2 ? std::atol(argv[1]) : 0;
  if (regions < 1) {
    std::fprintf(stderr, "usage: monarch_post <regions> < field > regions\n");
    return 2;
  }
  std::vector<double> field;
  for (double v = 0; std::scanf("%lf", &v) == 1;) field.push_back(v);
  const long cells = static_cast<long>(field.size());
  if (cells < regions) {
    std::fprintf(stderr, "monarch_post: %ld cells cannot make %ld regions\n", cells, regions);
    return 1;
  }
  for (long r = 0; r < regions; ++r) {
    const long begin = r * cells / regions, end = (r + 1) * cells / regions;
    double sum = 0, max = field[static_cast<std::size_t>(begin)];
    for (long i = begin; i < end; ++i) {
      sum += field[static_cast<std::size_t>(i)];
      max = std::max(max, field[static_cast<std::size_t>(i)]);
    }
    std::printf("%ld %.17g %.17g\n", begin, sum / static_cast<double>(end - begin), max);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
