// A parameter in two clauses: the error is at the second, a note at the first.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task in(a, b) inout(a)
void f(int &a, int &b);

// CHECK:      err-duplicate-param.cpp:6:36: error: parameter 'a' appears in more than one clause
// CHECK:      err-duplicate-param.cpp:6:24: note: first listed here
