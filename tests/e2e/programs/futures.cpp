// Return values as futures: passed on to other tasks without waiting, reduced as a
// tree, and finally used as plain values (which waits).
#include <compss/compss.hpp>

#include <cstdio>
#include <vector>

#pragma compss task
long square(long v) { return v * v; }

#pragma compss task
long add(long a, long b) { return a + b; }

// A large result (1 MiB: more than a connection's read buffer, so a master fetching it
// receives it straight into the future's value).
#pragma compss task
std::vector<double> ramp(long n, double step) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = static_cast<double>(i) * step;
  return v;
}

#pragma compss task in(values)
long checksum(const std::vector<long>& values) {
  unsigned long h = 17;  // (wraps: unsigned, so UBSan sees no overflow)
  for (long v : values) h = h * 31 + static_cast<unsigned long>(v);
  return static_cast<long>(h);
}

int main() {
  // A pairwise reduction tree over futures.
  std::vector<decltype(square(0))> level;
  for (long i = 1; i <= 64; ++i) level.push_back(square(i));
  while (level.size() > 1) {
    std::vector<decltype(square(0))> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(add(level[i], level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = next;
  }
  long total = level[0];  // using the future as a long waits for it
  std::printf("sum of squares 1..64 = %ld\n", total);

  // A chain of futures, each feeding the next.
  auto acc = add(0, 1);
  for (long i = 2; i <= 100; ++i) acc = add(acc, i);
  long triangle = acc;
  std::printf("1+...+100 = %ld\n", triangle);

  std::vector<long> data(1000);
  for (long i = 0; i < 1000; ++i) data[i] = i * 7 % 13;
  long h = checksum(data);
  std::printf("checksum = %ld\n", h);

  auto big = ramp(1 << 17, 0.5);
  const std::vector<double>& values = big;  // waits (a plain vector in the sequential build)
  double sum = 0;
  for (double v : values) sum += v;
  std::printf("ramp: %zu values, sum %.1f, last %.1f\n", values.size(), sum, values.back());

  // PyCOMPSs' compss_wait_on(f(x)): waiting on a call directly (a temporary Future under
  // compss-cc, a plain long in the sequential build), and on a temporary vector of results.
  long direct = compss::wait_on(square(12));
  long listed = 0;
  for (long v : compss::wait_on(std::vector<decltype(square(0))>{square(2), add(square(3), 1)}))
    listed += v;
  std::printf("wait_on(square(12)) = %ld, temporary vector sum = %ld\n", direct, listed);
  return 0;
}
