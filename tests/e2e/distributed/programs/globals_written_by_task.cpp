// A global that one task writes and another reads. `setup` writes the block size (so it
// runs on the master); `use` only reads it and, on its own, could travel. Locally `use`
// runs after `setup` (it depends on `x`) and sees the new block size. (Regression test:
// the master sent `use` the block size as it was when `use` was submitted, before `setup`
// ran, and took that value on main's thread while `setup` wrote it on an executor: a
// wrong answer, and a data race that could crash with a std::string or vector global.)
// compss-cc now keeps every task reading a global that a task writes on the master.
#include <compss/compss.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

static int block_size = 1;        // written by setup
static std::string label = "old";  // written by setup too: a class, not raw bytes

#pragma compss task inout(x)
void setup(int& x) {
  // Slow: `use` is submitted (and, before the fix, its globals taken) meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  block_size = x + 10;
  label = "block size " + std::to_string(block_size);
  x += 1;
}

#pragma compss task in(x)
int use(const int& x) {
  return x * 1000 + block_size + static_cast<int>(label.size());
}

int main() {
  int total = 0;
  for (int round = 0; round < 4; ++round) {
    int x = round;
    setup(x);
    int r = use(x);
    #pragma compss barrier
    std::printf("round %d: use = %d\n", round, r);
    total += r;
  }
  std::printf("total = %d\n", total);
  return 0;
}
