// Tasks that a later version supports are rejected, not ignored: consteval and
// variadic functions.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task
consteval int c(int x) { return x; }
#pragma compss task
void v(int n, ...);

// CHECK: err-not-supported-yet.cpp:7:16: error: a consteval function cannot be a task yet
// CHECK: err-not-supported-yet.cpp:9:16: error: a variadic function cannot be a task yet
