#include <cstdio>
#include <vector>

#include "kernels.hpp"

int main() {
  std::vector<std::vector<int>> parts(8, std::vector<int>(1000));
  for (int p = 0; p < 8; ++p)
    for (int i = 0; i < 1000; ++i) parts[p][i] = (p * 1000 + i) % 97;
  std::vector<long> sums(8);
  for (int p = 0; p < 8; ++p) {
    kernels::scale(parts[p], p + 1);
    kernels::sum_into(parts[p], sums[p]);
  }
  auto biggest = kernels::max_of(parts[7]);
#pragma compss wait_on(sums)
  for (long s : sums) std::printf("%ld\n", s);
  long b = biggest;
  std::printf("max=%ld\n", b);
  return 0;
}
