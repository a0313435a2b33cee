// A global object whose constructor calls a task and waits for it: the runtime starts
// lazily from inside the program's static initialisation (before main), loading its run
// configuration there (runtime/settings/run_config.cpp keeps only constant-initialised
// state at namespace scope for this). libcompss is a shared library, so its initialisers
// run before this program's; tests/unit/run_config_before_init.cpp checks the case of the
// configuration's initialisers running after the caller's. Output: the sequential one.
#include <cstdio>

#pragma compss task in(n) out(result)
void sum_to(int n, long& result) {
  result = 0;
  for (int i = 1; i <= n; ++i) result += i;
}

#pragma compss task inout(x)
void double_it(long& x) { x *= 2; }

struct Table {
  long total = 0;
  Table() {
    sum_to(100, total);
    double_it(total);
#pragma compss wait_on(total)
  }
};

Table table;  // built before main, through the tasks above

int main() {
  std::printf("before main: %ld\n", table.total);
  long later = 0;
  sum_to(10, later);
#pragma compss wait_on(later)
  std::printf("in main: %ld\n", later);
  return 0;
}
