// A task whose constraints no node of the run can ever satisfy: an error at its call,
// naming the task, the key, what it asks and the best node's value; never a hang.
#include <cstdio>

#pragma compss task inout(x) constraint(memory_size=100000)
void assemble(long& x) { x += 1; }

int main() {
  long x = 0;
  assemble(x);
#pragma compss wait_on(x)
  std::printf("not reached: x=%ld\n", x);
  return 0;
}
