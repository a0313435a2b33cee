// `-c` writes the object the user asked for: -o name, or basename.o in the current
// directory; the translated source is not left behind.
// RUN: rm -rf %t && mkdir -p %t/cwd
// RUN: %compss-cc -O2 -c %s -o %t/named.o
// RUN: test -f %t/named.o
// RUN: cd %t/cwd && %compss-cc -c %s
// RUN: test -f %t/cwd/driver-compile.o
// RUN: nm -C %t/named.o | %FileCheck %s

#pragma compss task
void work(int &x);

int main() {
  int x = 0;
  work(x);
}

// CHECK-DAG: T __compss_user_main()
// CHECK-DAG: T main
