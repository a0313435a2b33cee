// What tasks print appears in the order the sequential program prints it, wherever the
// tasks run: the main program prints, then a chain of tasks over one vector (each task
// prints after the one it depends on), then main prints what it waited for. Under
// compss-run the tasks run on worker processes whose standard output is a pipe or file
// (fully buffered): the runtime flushes it at the points that order the output.
#include <cstdio>
#include <vector>

#pragma compss task inout(v)
void advance(std::vector<long>& v, int step) {
  for (long& x : v) x += step;
  std::printf("task %d: %ld\n", step, v.front());
}

#pragma compss task in(v) out(total)
void sum(const std::vector<long>& v, long& total) {
  total = 0;
  for (long x : v) total += x;
  std::printf("sum task: %ld\n", total);
}

int main() {
  std::printf("main: before the tasks\n");
  std::vector<long> values(1000, 1);
  for (int step = 0; step < 6; ++step) advance(values, step);
  long total = 0;
  sum(values, total);
#pragma compss wait_on(total)
  std::printf("main: waited for %ld\n", total);
  for (int step = 6; step < 9; ++step) advance(values, step);
#pragma compss wait_on(values)
  std::printf("main: last %ld\n", values.back());
}
