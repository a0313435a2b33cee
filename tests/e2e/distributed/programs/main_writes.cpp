// The program changes its own objects between tasks: a worker that kept a copy of an
// earlier value must not use it. (Regression test: workers cached the master's value and
// reused it after main had changed the object.)
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

#pragma compss task
long total(const std::vector<long>& values) {
  long sum = 0;
  for (long v : values) sum += v;
  return sum;
}

#pragma compss task
void scale(std::vector<long>& values, long factor) {
  for (long& v : values) v *= factor;
}

int main() {
  std::vector<long> data(1000, 1);
  for (int round = 0; round < 6; ++round) {
    long sum = total(data);  // waits: the task has finished before main goes on
    std::printf("round %d: sum %ld\n", round, sum);
    data[static_cast<std::size_t>(round)] += 10;  // main changes the object itself
  }
  // After a barrier the program may change objects too.
  for (int round = 0; round < 3; ++round) {
    scale(data, 2);
#pragma compss barrier
    data[0] += 1;
    std::printf("after barrier %d: sum %ld\n", round, static_cast<long>(total(data)));
  }
  return 0;
}
