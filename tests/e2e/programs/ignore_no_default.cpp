// on_failure(ignore) on a task that returns a value, without returns=<value>: the failed
// task's Future has no value, and using it is an error that says how to give a default
// (docs/failures.md), not a bare "no value".
#include <cstdio>
#include <stdexcept>

#pragma compss task on_failure(ignore)
int score(int candidate) {
  if (candidate == 3) throw std::runtime_error("candidate 3 cannot be scored");
  return candidate * 10;
}

int main() {
  auto s = score(3);
  int value = s;  // waits: no value to give
  std::printf("score(3) = %d\n", value);
  return 0;
}
