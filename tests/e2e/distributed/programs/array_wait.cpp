// wait_on of a C array whose elements tasks wrote one by one (`out(a[i])`): under
// compss-run the elements live on workers, and every one must come back, not only the
// first (whose address is the array's). The same output as the sequential build.
#include <compss/compss.hpp>

#include <cstdio>

#pragma compss task out(a, b)
void set_pair(int& a, long& b, int v) {
  a = v;
  b = 100L * v;
}

int main() {
  int small[4] = {0, 0, 0, 0};
  long big[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) set_pair(small[i], big[i], i + 1);
#pragma compss wait_on(small, big)
  std::printf("small: %d %d %d %d\n", small[0], small[1], small[2], small[3]);
  std::printf("big: %ld %ld %ld %ld\n", big[0], big[1], big[2], big[3]);
  return 0;
}
