// No wait_on anywhere: compss-cc inserts the waits before the plain uses of variables
// that tasks write, so the output is the sequential one (docs/pragmas.md,
// "Automatic waits").
#include <cstdio>

#pragma compss task inout(x)
void add_one(long& x) { x += 1; }

#pragma compss task in(a) out(b)
void twice(const long& a, long& b) { b = 2 * a; }

long pipeline(int n) {
  long a = 0, b = 0;
  for (int i = 0; i < n; ++i) add_one(a);  // a chain of tasks, no wait inside
  twice(a, b);
  long local = b;  // waits for b here
  for (int i = 0; i < 3; ++i) {
    add_one(local);
    std::printf("local=%ld\n", local);  // waits in every iteration
  }
  return local + a;
}

int main() {
  long counter = 10;
  for (int i = 0; i < 4; ++i) add_one(counter);
  long sum = pipeline(5);
  if (counter != 14) std::printf("counter not waited for: %ld\n", counter);
  std::printf("sum=%ld counter=%ld\n", sum, counter);
  return 0;
}
