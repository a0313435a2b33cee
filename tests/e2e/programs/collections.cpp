// Collections whose elements are made, changed and read by tasks elsewhere: a task on the
// whole collection must read every element's latest value (wherever a task wrote it),
// and what it writes into the elements must be what later tasks on single elements read.
// Each step's values differ, so a stale element shows in the printed sums.
#include <cstdio>
#include <span>
#include <vector>

#pragma compss task out(x)
void produce(long& x, long v) { x = v; }

#pragma compss task inout(x)
void scale(long& x, long k) { x *= k; }

#pragma compss task in(x) out(y)
void plus_one(const long& x, long& y) { y = x + 1; }

#pragma compss task collection_in(parts) out(s)
void reduce(const std::vector<long>& parts, long& s) {
  s = 0;
  for (long p : parts) s += p;
}

#pragma compss task collection_out(parts)
void fill(std::vector<long>& parts, long base) {
  for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = base + static_cast<long>(i);
}

#pragma compss task collection_inout(parts)
void bump_all(std::vector<long>& parts, long by) {
  for (long& p : parts) p += by;
}

#pragma compss task collection_inout(parts)
void square_all(std::span<long> parts) {
  for (long& p : parts) p *= p;
}

#pragma compss task collection_in(grid) out(s)
void reduce_grid(const std::vector<std::vector<long>>& grid, long& s) {
  s = 0;
  for (const auto& row : grid)
    for (long v : row) s = s * 7 + v;  // order-sensitive: a swapped element shows
}

#pragma compss task
long square(long v) { return v * v; }

// Each value weighted by its position: a value out of place or missing shows.
#pragma compss task in(values)
long weighted(const std::vector<long>& values) {
  long total = 0;
  for (std::size_t i = 0; i < values.size(); ++i) total += static_cast<long>(i + 1) * values[i];
  return total;
}

int main() {
  constexpr int n = 8;
  std::vector<long> parts(n);

  // collection_in of elements written by separate tasks.
  for (int i = 0; i < n; ++i) produce(parts[i], i + 1);
  long s1 = 0;
  reduce(parts, s1);

  // collection_out: every element rewritten at once; single-element tasks then read it.
  fill(parts, 100);
  for (int i = 0; i < n; ++i) scale(parts[i], 3);
  long s2 = 0;
  reduce(parts, s2);

  // collection_inout of elements changed by separate tasks, then read one by one.
  bump_all(parts, 5);
  std::vector<long> next(n);
  for (int i = 0; i < n; ++i) plus_one(parts[i], next[i]);
  long s3 = 0;
  reduce(next, s3);

  // A span is a collection too (no datum for the view itself).
  square_all(std::span<long>(next.data(), next.size()));
  for (int i = 0; i < n; ++i) scale(next[i], 2);
  long s4 = 0;
  reduce(next, s4);

  // Nested vectors: the innermost elements are the data.
  std::vector<std::vector<long>> grid(3, std::vector<long>(4));
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) produce(grid[r][c], r * 10 + c);
  long g = 0;
  reduce_grid(grid, g);

  // A vector of futures passed for a std::vector<long>: the task gets their values.
  std::vector<decltype(square(0))> squares;
  for (long i = 1; i <= n; ++i) squares.push_back(square(i));
  long h = weighted(squares);

#pragma compss wait_on(s1, s2, s3, s4, g, parts, next)
  std::printf("sum=%ld\n", s1);
  std::printf("filled and scaled: sum=%ld\n", s2);
  std::printf("bumped then read one by one: sum=%ld\n", s3);
  std::printf("span squared then scaled: sum=%ld\n", s4);
  std::printf("grid=%ld\n", g);
  std::printf("weighted squares=%ld\n", h);
  for (long p : parts) std::printf("%ld ", p);
  std::printf("\n");
  for (long p : next) std::printf("%ld ", p);
  std::printf("\n");
  return 0;
}
