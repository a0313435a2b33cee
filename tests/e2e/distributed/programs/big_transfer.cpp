// Blocks of many MiB that travel: each is made on one worker, and a task reads both, so
// one block goes from worker to worker; then main reads a block, so one goes from a
// worker to the master. transfer_kill.sh and kill_master.sh make a node pause in the
// middle of such a transfer (COMPSS_TEST_PAUSE_IN_TRANSFER, runtime/net/
// test_pause.hpp) and kill the sender, the receiver or the master meanwhile. The blocks'
// seeds come from a file of the user's, which no run may change or lose. Values are whole
// numbers below 2^53, so every sum is exact in any order.
// usage: e2e_big_transfer <seeds file> [MiB per block (32)]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#pragma compss task file_in(seeds) out(block)
void fill(const std::string& seeds, int which, long mib, std::vector<double>& block) {
  std::ifstream in(seeds);
  long seed = 0;
  for (int i = 0; i <= which; ++i) in >> seed;
  block.resize(static_cast<std::size_t>(mib) * (1 << 20) / sizeof(double));
  for (std::size_t i = 0; i < block.size(); ++i)
    block[i] = static_cast<double>((i * 7 + static_cast<std::size_t>(seed)) % 1009);
  std::fprintf(stderr, "big_transfer: block %d made by pid %d\n", which, static_cast<int>(getpid()));
}

#pragma compss task in(a, b) out(product)
void dot(const std::vector<double>& a, const std::vector<double>& b, double& product) {
  product = std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
  std::fprintf(stderr, "big_transfer: product made by pid %d\n", static_cast<int>(getpid()));
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <seeds file> [MiB per block (32)]\n", argv[0]);
    return 2;
  }
  const std::string seeds = argv[1];
  const long mib = argc > 2 ? std::atol(argv[2]) : 32;
  std::vector<double> a, b;
  double ab = 0;
  fill(seeds, 0, mib, a);
  fill(seeds, 1, mib, b);
  dot(a, b, ab);
#pragma compss wait_on(ab)
  std::printf("a.b = %.0f\n", ab);
#pragma compss wait_on(a)
  std::printf("sum of a = %.0f\n", std::accumulate(a.begin(), a.end(), 0.0));
  return 0;
}
