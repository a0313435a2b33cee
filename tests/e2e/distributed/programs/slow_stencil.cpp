// A stencil_1d of slow tasks, long enough that a worker can be killed (or a stranger can
// connect) while tasks run. Task (t, i) reads cells i-1, i, i+1 of row t, sleeps a few
// milliseconds and writes cell i of row t + 1 (periodic boundary). The cell values mix
// integers, so any lost, repeated or misordered task changes the printed checksum.
//
// usage: slow_stencil [width (6)] [steps (30)] [sleep ms per task (5)]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

using Cell = std::uint64_t;

// A 64-bit mix (splitmix64 finaliser): sensitive to every input bit and to their order.
static Cell mix(Cell x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

#pragma compss task in(l, c, r) out(o)
void step(const Cell& l, const Cell& c, const Cell& r, Cell& o, int sleep_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
  o = mix(l * 3 + c * 5 + r * 7 + 1);
}

int main(int argc, char** argv) {
  const long width = argc > 1 ? std::atol(argv[1]) : 6;
  const long steps = argc > 2 ? std::atol(argv[2]) : 30;
  const int sleep_ms = argc > 3 ? std::atoi(argv[3]) : 5;
  if (width < 3 || steps < 1 || sleep_ms < 0) {
    std::fprintf(stderr, "usage: %s [width >= 3] [steps >= 1] [sleep ms >= 0]\n", argv[0]);
    return 2;
  }
  // Every cell is written once: row t + 1 from row t.
  std::vector<Cell> cells(static_cast<std::size_t>((steps + 1) * width));
  for (long i = 0; i < width; ++i) cells[i] = static_cast<Cell>(i + 1);
  for (long t = 0; t < steps; ++t) {
    const Cell* in = &cells[t * width];
    Cell* out = &cells[(t + 1) * width];
    for (long i = 0; i < width; ++i) {
      step(in[(i + width - 1) % width], in[i], in[(i + 1) % width], out[i], sleep_ms);
    }
  }
#pragma compss barrier
  Cell checksum = 0;
  for (Cell c : cells) checksum = mix(checksum ^ c);
  std::printf("stencil %ld x %ld\n", width, steps);
  for (long i = 0; i < width; ++i) {
    std::printf("last[%ld] = %016llx\n", i, static_cast<unsigned long long>(cells[steps * width + i]));
  }
  std::printf("checksum = %016llx\n", static_cast<unsigned long long>(checksum));
  return 0;
}
