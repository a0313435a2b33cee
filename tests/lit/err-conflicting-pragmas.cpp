// The same function declared twice as a task with different directions.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task in(x)
void f(int &x);

#pragma compss task inout(x)
void f(int &x) { ++x; }

// CHECK: err-conflicting-pragmas.cpp:9:16: error: task 'f' is declared again with different clauses
