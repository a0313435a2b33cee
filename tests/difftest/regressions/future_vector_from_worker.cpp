// Found by the differential tester (docs/testing.md): seed 4 graph 4, --workers 3 --master-cores 0.
// A std::vector<compss::Future<long>> passed as const std::vector<long>&, one future made
// by a task on a worker.
#include <compss/compss.hpp>
#include <cstdio>
#include <vector>
#pragma compss task
long make(long a) { return a + 1; }
#pragma compss task in(xs)
long total(const std::vector<long>& xs) {
  long s = 0;
  for (long x : xs) s = s * 10 + x;
  return s;
}
int main() {
  std::vector<decltype(make(0))> xs;
  xs.push_back(decltype(make(0))(1));  // ready from the start (a plain 1 sequentially)
  xs.push_back(make(2));                // 3, made by a task
  long t = total(xs);
  std::printf("total = %ld (sequential: 13)\n", t);
}
