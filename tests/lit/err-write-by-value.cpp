// out/inout on a parameter passed by value: nothing goes back to the caller.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

struct Big {
  int data[16];
};

#pragma compss task inout(b) in(n)
void f(Big b, int n);

// CHECK: err-write-by-value.cpp:10:27: error: 'inout' clause on parameter 'b' passed by value ('Big'): the task cannot write back to the caller
