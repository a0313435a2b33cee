// A task that throws: the program must stop at the next synchronisation with a message
// naming the task and the exception, and exit with a non-zero code.
#include <cstdio>
#include <stdexcept>

#pragma compss task inout(x)
void check_positive(long& x) {
  if (x < 0) throw std::runtime_error("negative value reached");
  x -= 10;
}

int main() {
  long x = 25;
  for (int i = 0; i < 5; ++i) check_positive(x);
#pragma compss wait_on(x)
  std::printf("not reached: x=%ld\n", x);
  return 0;
}
