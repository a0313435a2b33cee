// on_failure(ignore) with bodies that write before they throw: their successors read what
// the body wrote, and a parameter it did not write keeps its value (docs/failures.md,
// "ignore"), locally and on workers alike (a worker sends what the body wrote with its
// failure). Checked against its expected output: compiled sequentially the pragma is
// ignored and the first exception ends the program.
#include <compss/compss.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#pragma compss task inout(x) on_failure(ignore)
void write_then_throw(long& x, long v) {
  x = x * 10 + v;
  throw std::runtime_error("after writing x");
}
#pragma compss task inout(x) on_failure(ignore)
void throw_first(long& x) {
  throw std::runtime_error("before writing x");
  x = -1;  // (never)
}
#pragma compss task out(x) on_failure(ignore)
void set_then_throw(long& x, long v) {
  x = v;
  throw std::runtime_error("after setting x");
}
#pragma compss task out(x) on_failure(ignore)
void set_nothing(long& x) {
  throw std::runtime_error("before setting x");
  x = -1;  // (never)
}
#pragma compss task inout(v) on_failure(ignore)
void push_then_throw(std::vector<double>& v, double e) {
  v.push_back(e);
  throw std::runtime_error("after pushing");
}
// (An `out` section's elements the body does not write are the program's locally and the
// worker's starting zeros there, whether it fails or not: an `out` body writes them all.)
#pragma compss task out(p[n]) on_failure(ignore)
void fill_then_throw(double* p, long n) {
  for (long i = 0; i < n; ++i) p[i] = 7.0 + static_cast<double>(i);
  throw std::runtime_error("filled");
}
#pragma compss task out(p[n]) on_failure(ignore)
void fill_nothing(double* p, long n) {
  throw std::runtime_error("before filling " + std::to_string(n));
}
#pragma compss task file_inout(path) on_failure(ignore)
void append_then_throw(const std::string& path, const std::string& line) {
  {
    std::ofstream out(path, std::ios::app);
    out << line << "\n";
  }
  throw std::runtime_error("after appending");
}
#pragma compss task file_out(path) on_failure(ignore)
void create_nothing(const std::string& path) {
  throw std::runtime_error("before creating " + path);
}
constexpr int unscored = -1;
#pragma compss task inout(x) on_failure(ignore, returns = unscored)
int score_then_throw(long& x) {
  x += 1000;
  throw std::runtime_error("after writing x, without a result");
}

#pragma compss task inout(x)
void bump(long& x) { x += 1; }
#pragma compss task in(v)
long size_of(const std::vector<double>& v) { return static_cast<long>(v.size()); }
#pragma compss task in(p[n])
double sum_of(const double* p, long n) {
  double s = 0;
  for (long i = 0; i < n; ++i) s += p[i];
  return s;
}
#pragma compss task file_inout(path)
void append(const std::string& path, const std::string& line) {
  std::ofstream out(path, std::ios::app);
  out << line << "\n";
}

std::string lines_of(const std::string& path) {
  std::ifstream in(path);
  std::string line, all;
  while (std::getline(in, line)) all += line + "|";
  return all;
}

int main() {
  long a = 1, b = 2, c = 3, d = 4, e = 5;
  std::vector<double> v{1.0};
  std::vector<double> arr(4, 1.0), arr2(3, 2.0);
  const std::string f = "ignore_partial_f.txt", g = "ignore_partial_g.txt";
  {
    std::ofstream(f) << "start\n";
    std::ofstream(g) << "kept\n";
  }
  bump(a);                // 2
  write_then_throw(a, 7); // 27, then it throws
  bump(a);                // 28
  throw_first(b);         // 2
  bump(b);                // 3
  set_then_throw(c, 30);  // 30
  bump(c);                // 31
  set_nothing(d);         // 4
  bump(d);                // 5
  push_then_throw(v, 2.0);
  auto n = size_of(v);    // 2
  fill_then_throw(arr.data(), 4);
  auto s = sum_of(arr.data(), 4);  // 7 + 8 + 9 + 10 = 34
  fill_nothing(arr2.data(), 3);
  auto s2 = sum_of(arr2.data(), 3);  // 6
  append_then_throw(f, "more");
  append(f, "after");
  create_nothing(g);
  auto r = score_then_throw(e);  // e = 1005, r = -1
  bump(e);                       // 1006
  compss::wait_on(a);
  compss::wait_on(b);
  compss::wait_on(c);
  compss::wait_on(d);
  compss::wait_on(e);
  long vn = n;
  double vs = s, vs2 = s2;
  int vr = r;
  compss::wait_on_file(f);
  compss::wait_on_file(g);
  std::printf("a = %ld\nb = %ld\nc = %ld\nd = %ld\ne = %ld\nr = %d\nsize = %ld\nsum = %g\nsum2 = %g\nf = %s\ng = %s\n",
              a, b, c, d, e, vr, vn, vs, vs2, lines_of(f).c_str(), lines_of(g).c_str());
  return 0;
}
