// main returns without waiting while tasks still use its local objects: compss-cc makes
// main's return wait for every task before the locals are destroyed, so the tasks see
// live data and print what the sequential program prints.
#include <cstdio>
#include <vector>

#pragma compss task inout(v)
void bump(std::vector<long>& v, int step) {
  for (long& x : v) x += step;
  std::printf("step %d: %ld\n", step, v.front() + v.back());
}

#pragma compss task inout(a, b)
void bump_pair(std::vector<long>& a, std::vector<long>& b, int step) {
  for (long& x : b) x += a.front() + step;
  std::printf("pair step %d: %ld\n", step, b.front() + b.back());
}

int main(int argc, char**) {
  std::vector<long> values(200000, 1);
  for (int step = 0; step < 20; ++step) bump(values, step);
  if (argc > 1) return 0;  // an early return waits too
  std::vector<long> others(1000, 2);
  for (int step = 0; step < 5; ++step) bump_pair(values, others, step);
}
