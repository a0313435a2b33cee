// Found by the differential tester (docs/testing.md): seed 3 graph 9, --workers 3 --master-cores 0.
// A by-value argument whose latest value a finished task wrote on a worker.
#include <compss/compss.hpp>
#include <chrono>
#include <cstdio>
#include <thread>
#pragma compss task inout(x)
void bump(long& x) { x += 1; }
#pragma compss task
long twice(long a) { return 2 * a; }
struct Box { long x = 10; };
int main() {
  Box box;
  Box& b = box;  // (through a reference: no automatic wait)
  bump(b.x);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // bump has finished
  long r = twice(b.x);
  std::printf("twice = %ld (sequential: 22)\n", r);
}
