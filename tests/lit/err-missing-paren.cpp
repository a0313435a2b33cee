// Malformed clause syntax: a clause without '(' and a list without ')'.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task in a
void f(int a);

#pragma compss task inout(a, b
void g(int &a, int &b);

#pragma compss task inout(a b)
void h(int &a, int &b);

// CHECK: err-missing-paren.cpp:6:24: error: expected '(' after 'in'
// CHECK: err-missing-paren.cpp:9:31: error: expected ')' to close 'inout('
// CHECK: err-missing-paren.cpp:12:29: error: expected ')' to close 'inout('
