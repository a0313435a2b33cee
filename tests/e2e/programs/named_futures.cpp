// Naming the type of a task's result: `compss::Future<R> f = task(...)` and
// `std::vector<compss::Future<R>>` compile in the sequential build too (there the call
// yields an R and a Future<R> is constructible from it, already ready), and both builds
// print the same: named futures passed on to other tasks, waited with compss::wait_on,
// reassigned, and ready futures made from plain values.
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

#pragma compss task
long square(long v) { return v * v; }

#pragma compss task
long add(long a, long b) { return a + b; }

#pragma compss task
double half(long v) { return static_cast<double>(v) / 2.0; }

#pragma compss task in(values)
double total(const std::vector<double>& values) {
  double t = 0;
  for (double v : values) t += v;
  return t;
}

int main() {
  compss::Future<long> nine = square(3);
  compss::Future<long> thirteen = add(nine, 4);  // a named future passed to a task
  std::printf("add(square(3), 4) = %ld\n", compss::wait_on(thirteen));

  std::vector<compss::Future<double>> halves;
  for (long i = 0; i < 8; ++i) halves.push_back(half(square(i)));
  double sum = 0;
  for (compss::Future<double>& h : halves) sum += compss::wait_on(h);
  std::printf("sum of halves = %.1f\n", sum);

  compss::Future<long> ready = 5;  // a future made from a value: already ready
  compss::Future<long> chain = add(ready, nine);
  for (long i = 0; i < 10; ++i) chain = add(chain, i);  // reassigned to newer results
  long chained = chain;                                 // using it as a long waits
  std::printf("chain = %ld\n", chained);

  std::vector<double> values(halves.begin(), halves.end());  // each converts (waits)
  compss::Future<double> t = total(values);
  std::printf("total = %.1f\n", t.get());
  return 0;
}
