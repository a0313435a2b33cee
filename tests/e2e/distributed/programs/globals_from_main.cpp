// Globals that main sets, read by tasks, modelled on SparseLU: the block size comes from
// argv, and tasks allocate and compute blocks with it, in their body and in helpers they
// call. Workers do not run main: they must get the master's values. (Regression test:
// workers ran these tasks with the globals' initial values — a block size of 0 gave
// empty blocks, a heap overflow or wrong sums.) Also: a global main changes between two
// phases, a static member, a C array, a task reading a pointer global (it cannot travel: it runs on
// the master) and one writing a global (the same).
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace cfg {
int block_size = 4;  // main sets the real one from argv
}
static double scale = 1.0;  // main changes it between the phases
struct Offsets {
  static long base;
};
long Offsets::base = 0;
static double pivot_weight[2] = {1.0, 1.0};  // an array: travels as its bytes
static const std::vector<double>* weights = nullptr;  // points into main's memory
static long blocks_checked = 0;                         // written by a task

using Block = std::vector<double>;

// A helper of the same translation unit: the tasks read the block size through it.
static std::size_t block_elements() {
  return static_cast<std::size_t>(cfg::block_size) * static_cast<std::size_t>(cfg::block_size);
}

#pragma compss task
Block make_block(int seed) {
  Block b(block_elements());
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<double>((seed * 31 + i) % 17);
  return b;
}

// Writes block_size * block_size elements where it is told to: with another block size
// than the one its block was made with, it would write outside the block.
#pragma compss task
void lu_update(Block& b, const Block& pivot) {
  double* out = b.data();
  for (int i = 0; i < cfg::block_size; ++i) {
    for (int j = 0; j < cfg::block_size; ++j) {
      out[i * cfg::block_size + j] = out[i * cfg::block_size + j] * scale +
                                     pivot[static_cast<std::size_t>(j)] * pivot_weight[j % 2] +
                                     Offsets::base;
    }
  }
}

#pragma compss task
double block_sum(const Block& b) {
  double sum = 0;
  for (std::size_t i = 0; i < block_elements(); ++i) sum += b[i];
  return sum;
}

// Reads main's memory through a pointer: it cannot travel (compss-cc warns).
#pragma compss task
double weighted(const Block& b) {
  double sum = 0;
  for (std::size_t i = 0; i < b.size(); ++i) sum += b[i] * (*weights)[i % weights->size()];
  return sum;
}

// Writes a global main reads at the end: it cannot travel either.
#pragma compss task
void check_block(const Block& b, long& token) {
  blocks_checked += static_cast<long>(b.size());
  ++token;
}

int main(int argc, char** argv) {
  cfg::block_size = argc > 1 ? std::atoi(argv[1]) : 24;
  const int blocks = 6;
  std::vector<Block> m(blocks);
  for (int k = 0; k < blocks; ++k) m[static_cast<std::size_t>(k)] = make_block(k);
  std::vector<double> w = {0.5, 1.5, 2.0};
  weights = &w;
  Offsets::base = 3;
  pivot_weight[1] = 0.25;

  for (int phase = 0; phase < 2; ++phase) {
    scale = phase == 0 ? 1.0 : 0.5;  // the second phase's tasks must see the new value
    for (int k = 1; k < blocks; ++k) lu_update(m[static_cast<std::size_t>(k)], m[0]);
    double total = 0;
    for (int k = 0; k < blocks; ++k) total += block_sum(m[static_cast<std::size_t>(k)]);
    std::printf("phase %d: total %.3f\n", phase, total);
#pragma compss barrier
  }
  long token = 0;
  double weighted_total = 0;
  for (int k = 0; k < blocks; ++k) {
    weighted_total += weighted(m[static_cast<std::size_t>(k)]);
    check_block(m[static_cast<std::size_t>(k)], token);
  }
#pragma compss barrier
  std::printf("weighted %.3f, %ld elements checked by %ld tasks\n", weighted_total,
              blocks_checked, token);
  return 0;
}
