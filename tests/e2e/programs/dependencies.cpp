// Every kind of dependency between tasks on shared objects: RAW, WAR and WAW chains,
// a diamond and many readers. The updates do not commute, so any wrong order shows
// in the printed values.
#include <cstdio>
#include <vector>

#pragma compss task inout(x)
void affine(long& x, long a, long b) { x = (x * a + b) % 1000003; }

#pragma compss task in(src) out(dst)
void copy_value(const long& src, long& dst) { dst = src; }

#pragma compss task in(a, b) out(out)
void combine(const long& a, const long& b, long& out) { out = a * 1000 + b; }

int main() {
  // RAW and WAW: a chain of non-commuting updates on one object.
  long x = 1;
  for (long i = 0; i < 50; ++i) affine(x, 3, i % 7);

  // WAR: snapshots taken between writes must see the value of their moment.
  long y = 2;
  std::vector<long> snapshots(20);
  for (int i = 0; i < 20; ++i) {
    copy_value(y, snapshots[i]);
    affine(y, 2, 1);
  }

  // Diamond: one source, two branches, one join.
  long source = 5, left = 0, right = 0, join = 0;
  affine(source, 2, 3);
  copy_value(source, left);
  copy_value(source, right);
  affine(left, 3, 0);
  affine(right, 5, 0);
  combine(left, right, join);

  // Many readers, then a writer that must wait for all of them.
  long shared = 7;
  std::vector<long> readers(100);
  for (auto& r : readers) copy_value(shared, r);
  affine(shared, 10, 0);

#pragma compss wait_on(x, y, snapshots, join, readers, shared)
  std::printf("x=%ld y=%ld join=%ld shared=%ld\n", x, y, join, shared);
  for (long s : snapshots) std::printf("%ld ", s);
  std::printf("\n");
  long sum = 0;
  for (long r : readers) sum += r;
  std::printf("readers sum=%ld\n", sum);
  return 0;
}
