// on_failure(ignore, returns=...): a task that fails gives its Future the default, and the
// tasks that read it run with it. Only the compss-cc build is tested (expected output, not
// a comparison): compiled sequentially the pragma is ignored and the exception propagates
// from the call, as in PyCOMPSs without the runtime (docs/failures.md).
#include <compss/compss.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

constexpr int unscored = -1;

// Candidates divisible by 3 cannot be scored: the task throws, its result is `unscored`.
#pragma compss task on_failure(ignore, returns = unscored)
int score(int candidate) {
  if (candidate % 3 == 0) {
    throw std::runtime_error("candidate " + std::to_string(candidate) + " cannot be scored");
  }
  return candidate * 10;
}

#pragma compss task
int add(int a, int b) { return a + b; }

int main() {
  auto a = score(1);
  auto b = score(3);  // fails: b receives -1
  auto c = score(4);
  auto ab = add(a, b);      // runs with -1
  auto total = add(ab, c);
  int va = a, vb = b, vc = c, vt = total;
  std::printf("score(1) = %d\nscore(3) = %d\nscore(4) = %d\ntotal = %d\n", va, vb, vc, vt);
  return 0;
}
