// A small program whose task graph is known (tests/e2e/observe/expected_graph.dot): a
// chain, a join, a wait_on, a value read across it, a collection made by one task and read
// by another (one edge), a task group, concurrent accesses and a barrier. Its output is
// the sequential build's.
#include <cstdio>
#include <vector>

#pragma compss task out(x)
void produce(long& x, long v) { x = v; }

#pragma compss task inout(x)
void increment(long& x) { ++x; }

#pragma compss task in(a, b) out(s)
void add(const long& a, const long& b, long& s) { s = a + b; }

#pragma compss task collection_out(parts)
void fill(std::vector<long>& parts, long base) {
  for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = base + static_cast<long>(i);
}

#pragma compss task collection_in(parts) out(s)
void reduce(const std::vector<long>& parts, long& s) {
  s = 0;
  for (long p : parts) s += p;
}

#pragma compss task concurrent(x)
void touch(long& x) { (void)x; }

int main() {
  long a = 0, b = 0, s = 0;
  produce(a, 1);  // 1
  produce(b, 2);  // 2
  increment(a);   // 3: after 1 (a)
  add(a, b, s);   // 4: after 3 (a) and 2 (b)
#pragma compss wait_on(s)
  std::printf("s = %ld\n", s);  // Synchro1 waited for 4
  increment(s);                 // 5: s came through the program: from Synchro1
  std::vector<long> parts(4);
  long total = 0;
  fill(parts, 10);       // 6
  reduce(parts, total);  // 7: one edge for the four elements
#pragma compss group("stage")
  {
    increment(b);  // 8
    increment(b);  // 9
  }
  touch(total);      // 10 and 11: concurrent, both after 7
  touch(total);
  increment(total);  // 12: after both
#pragma compss barrier
  std::printf("s = %ld, b = %ld, total = %ld\n", s, b, total);
  return 0;
}
