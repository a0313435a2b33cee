// A clause naming something that is not a parameter of the task.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task in(a) inout(b, count)
void f(const int &a, int &b, int &c);

// CHECK: err-unknown-param.cpp:6:36: error: 'count' is not a parameter of task 'f'
