// Blocks made by tasks and by main, then read in pairs (block i with block i + r) every round, so
// most reads need a block another node made: a worker fetches it and keeps a copy. With a
// data memory budget smaller than all the blocks (COMPSS_WORKER_DATA_MEMORY, set by
// evict_copies.sh), workers must drop copies (least recently used first) and the run must
// still give the sequential build's sums (a dropped copy is never read or named as a
// source again). Prints each round's sums.
// usage: e2e_evict_copies [blocks (16)] [rounds (5)] [doubles per block (32768)]
#include <cstdio>
#include <cstdlib>
#include <vector>

void fill_block(std::vector<double>& block, int index, int length) {
  block.assign(static_cast<std::size_t>(length), 0.0);
  for (int j = 0; j < length; ++j) block[static_cast<std::size_t>(j)] = (index * 31 + j % 101) * 0.5;
}

#pragma compss task out(block)
void make_block(std::vector<double>& block, int index, int length) { fill_block(block, index, length); }

#pragma compss task in(a, b) out(sum)
void pair_sum(const std::vector<double>& a, const std::vector<double>& b, double& sum) {
  double s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) s += a[j] * (j % 3 == 0 ? 1.0 : -1.0) + b[j];
  sum = s;
}

int main(int argc, char** argv) {
  const int blocks = argc > 1 ? std::atoi(argv[1]) : 16;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const int length = argc > 3 ? std::atoi(argv[3]) : 32768;
  std::vector<std::vector<double>> data(static_cast<std::size_t>(blocks));
  // Even blocks are made by tasks (on workers: fetched peer to peer), odd ones by main (on
  // the master: sent inline), so no worker makes most of the data itself.
  for (int i = 0; i < blocks; ++i) {
    if (i % 2 == 0) {
      make_block(data[static_cast<std::size_t>(i)], i, length);
    } else {
      fill_block(data[static_cast<std::size_t>(i)], i, length);
    }
  }
  for (int round = 1; round <= rounds; ++round) {
    std::vector<double> sums(static_cast<std::size_t>(blocks), 0.0);
    for (int i = 0; i < blocks; ++i) {
      pair_sum(data[static_cast<std::size_t>(i)], data[static_cast<std::size_t>((i + round) % blocks)],
               sums[static_cast<std::size_t>(i)]);
    }
#pragma compss wait_on(sums)
    double total = 0;
    for (double s : sums) total += s;
    std::printf("round %d: first %.1f last %.1f total %.1f\n", round, sums.front(), sums.back(), total);
  }
  return 0;
}
