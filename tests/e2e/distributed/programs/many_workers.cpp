// Data moving between many workers (issue 12: no worker cap; many_workers.sh runs it on
// 100 local workers of one slot each). `blocks` values are seeded by tasks; every round
// each value becomes a mix of itself and its right neighbour, written into a second array
// (so a round's tasks are independent), the neighbour usually made on another worker and
// fetched from there peer to peer. Prints every value and their sum on stdout (compared
// with the sequential build) and, on stderr, in how many processes the mixing ran.
// usage: e2e_many_workers <blocks> <rounds>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

#pragma compss task out(x)
void seed(std::uint64_t& x, std::uint64_t i) {
  x = i * 2654435761u % 1000003;
}

#pragma compss task in(self, right) out(next, where)
void mix(const std::uint64_t& self, const std::uint64_t& right, std::uint64_t& next,
         std::int64_t& where, std::uint64_t round) {
  next = (self * 31 + right * 7 + round) % 1000000007;
  where = getpid();
}

int main(int argc, char** argv) {
  const std::size_t blocks = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200;
  const std::size_t rounds = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 4;
  std::vector<std::uint64_t> a(blocks), b(blocks);
  std::vector<std::int64_t> where(blocks * rounds);
  for (std::size_t i = 0; i < blocks; ++i) seed(a[i], i);
  for (std::size_t r = 0; r < rounds; ++r) {
    std::vector<std::uint64_t>& from = r % 2 == 0 ? a : b;
    std::vector<std::uint64_t>& to = r % 2 == 0 ? b : a;
    for (std::size_t i = 0; i < blocks; ++i) {
      mix(from[i], from[(i + 1) % blocks], to[i], where[r * blocks + i], r);
    }
  }
#pragma compss barrier
  const std::vector<std::uint64_t>& last = rounds % 2 == 0 ? a : b;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < blocks; ++i) {
    std::printf("%zu %llu\n", i, static_cast<unsigned long long>(last[i]));
    sum += last[i];
  }
  std::printf("sum %llu\n", static_cast<unsigned long long>(sum));
  std::fprintf(stderr, "mixed in %zu processes\n", std::set<std::int64_t>(where.begin(), where.end()).size());
  return 0;
}
