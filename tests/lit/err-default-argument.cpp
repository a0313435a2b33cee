// A task call must pass every argument: default arguments are not forwarded.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task
void add(int &x, int amount = 1);

void user(int &x) {
  add(x, 2);
  add(x);
}

// CHECK: err-default-argument.cpp:11:8: error: call to task 'add' relies on a default argument; a task call must pass every argument
// CHECK-NOT: error:
