// Pre-processing of the monarch example (a binary task): writes the initial field, one
// value per line: a few "emission" peaks over a low background, from a seed.
//   monarch_prep <out-file> <cells> <seed>
#include <cstdio>
#include <cstdlib>
#include <random>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: monarch_prep <out-file> <cells> <seed>\n");
    return 2;
  }
  const long cells = std::atol(argv[2]);
  std::mt19937 rng(static_cast<unsigned>(std::atol(argv[3])));
  FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr || cells < 4) {
    std::fprintf(stderr, "monarch_prep: cannot write %s (or fewer than 4 cells)\n", argv[1]);
    return 1;
  }
  for (long i = 0; i < cells; ++i) {
    // The generator's integers are the same on every platform (distributions are not).
    const unsigned r = rng() % 1000;
    const double value = r < 20 ? 100.0 + r : 1.0 + r / 1000.0;
    std::fprintf(out, "%.17g\n", value);
  }
  return std::fclose(out) == 0 ? 0 : 1;
}
