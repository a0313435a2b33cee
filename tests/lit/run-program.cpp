// A whole program through compss-cc and the runtime: in/out/inout, a non-void task,
// a file task, wait_on, wait_on_file, barrier; main's return value is the exit code.
// REQUIRES: compss-runtime
// RUN: rm -rf %t && mkdir -p %t
// RUN: %compss-cc -O1 %s -o %t/app
// RUN: cd %t && not %t/app > %t/out.txt
// RUN: %FileCheck %s < %t/out.txt
#include <cstdio>
#include <fstream>
#include <string>

#pragma compss task out(dst) in(src)
void copy_value(int &dst, const int &src) { dst = src; }

#pragma compss task inout(x)
void add(int &x, int amount) { x += amount; }

#pragma compss task
int square(int x) { return x * x; }

#pragma compss task file_out(path)
void write_number(const std::string &path, int value) {
  std::ofstream(path) << value << "\n";
}

int main() {
  int a = 0, b = 5;
  copy_value(a, b);
  for (int i = 0; i < 4; ++i)
    add(a, i);
  auto sq = square(9);
  write_number("number.txt", 77);
#pragma compss wait_on(a)
  std::printf("a=%d sq=%d\n", a, static_cast<int>(sq));
#pragma compss wait_on_file("number.txt")
  std::ifstream in("number.txt");
  int n = 0;
  in >> n;
  std::printf("file=%d\n", n);
#pragma compss barrier
  return 3;
}

// CHECK: a=11 sq=81
// CHECK: file=77
