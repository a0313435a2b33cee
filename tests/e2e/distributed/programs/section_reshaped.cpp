// One address passed in other shapes over the program's life: an array section, then its
// first element as a single object, then a shorter section, then the whole section again
// (as when a stack array dies and a local takes its address). Each must give the
// sequential answer, never a failed task or a write past what the task passes.
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

#pragma compss task inout(v[n])
void scale(double* v, int n) {
  for (int i = 0; i < n; ++i) v[i] *= 3;
}

#pragma compss task inout(x)
void bump(double& x) { x += 1; }

int main() {
  const int n = 64;
  std::vector<double> buf(n);
  for (int i = 0; i < n; ++i) buf[i] = i + 1;
  scale(buf.data(), n);  // the datum at buf.data(): a section of 64 elements
#pragma compss barrier
  bump(buf[0]);  // the same address as a single double: travels as one now
#pragma compss barrier
  std::printf("after bump: %.1f %.1f\n", buf[0], buf[1]);
  scale(buf.data(), n / 2);  // a shorter section at that address
  scale(buf.data(), n);      // and the whole one again
#pragma compss barrier
  double sum = 0;
  for (double v : buf) sum += v;
  std::printf("sum: %.1f\n", sum);
  return 0;
}
