// concurrent and commutative accesses to objects that tasks elsewhere wrote first, and
// read by tasks elsewhere afterwards: the shared updates must start from the latest value
// and their result must be what the later readers see.
#include <atomic>
#include <cstdio>

#pragma compss task out(c)
void init(long& c, long v) { c = v; }

#pragma compss task inout(c)
void bump(long& c, long by) { c += by; }

// Tasks sharing `c` may run at once: the update is atomic (the program owns coherence).
#pragma compss task concurrent(c)
void add(long& c, long v) { std::atomic_ref<long>(c).fetch_add(v); }

// One at a time, in any order: a plain update is enough.
#pragma compss task commutative(c)
void accumulate(long& c, long v) { c += v; }

#pragma compss task in(c) out(r)
void twice(const long& c, long& r) { r = 2 * c; }

int main() {
  // concurrent after a write elsewhere, then read elsewhere.
  long c = 0, r1 = 0;
  init(c, 100);
  for (int i = 0; i < 10; ++i) add(c, 1);
  twice(c, r1);

  // commutative after a write elsewhere, then read elsewhere.
  long d = 0, r2 = 0;
  init(d, 1000);
  for (long i = 1; i <= 10; ++i) accumulate(d, i);
  twice(d, r2);

  // Alternating: each shared run follows a write elsewhere and is followed by one.
  long e = 0, r3 = 0;
  init(e, 7);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) add(e, 1);
    bump(e, 100);
    for (long i = 1; i <= 4; ++i) accumulate(e, i * 10);
    bump(e, 1000);
  }
  twice(e, r3);

#pragma compss wait_on(c, r1, d, r2, e, r3)
  std::printf("c=%ld r=%ld\n", c, r1);
  std::printf("d=%ld r=%ld\n", d, r2);
  std::printf("e=%ld r=%ld\n", e, r3);
  return 0;
}
