// One data identity under compss-run (docs/architecture.md, "Data identity"): objects keep
// their registry id through the registry's prune (more data than it keeps before it
// prunes), and an object deleted (compss::delete_object) while its latest value lives on a
// worker starts a new datum from that value. The output is the sequential build's.
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

#pragma compss task
void add(long& x, long v) {
  x += v;
}

#pragma compss task
long twice(const long& x) {
  return 2 * x;
}

int main() {
  // Over 4096 objects, each written on a worker; the registry prunes the idle ones.
  std::vector<long> many(4500, 1);
  for (std::size_t i = 0; i < many.size(); ++i) add(many[i], static_cast<long>(i % 13));
  for (std::size_t i = 0; i < many.size(); i += 5) add(many[i], 1);  // their next versions
  long sum = 0;
  for (std::size_t i = 0; i < many.size(); i += 9) sum += compss::wait_on(twice(many[i]));
  std::printf("sum of twice every 9th: %ld\n", sum);

  // Deleted while its latest value lives on a worker: the program's object keeps that
  // value (as in the sequential build), and tasks after the delete read it.
  long x = 10;
  add(x, 5);
  compss::delete_object(x);
  add(x, 1);
  std::printf("after delete: %ld\n", compss::wait_on(twice(x)));
  compss::barrier();
  long total = 0;
  for (long v : many) total += v;
  std::printf("total %ld, x %ld\n", total, x);
  return 0;
}
