// Statement pragmas stand for statements: outside a function body they are errors.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

int x;
#pragma compss wait_on(x)

// CHECK: err-stmt-outside-function.cpp:7:16: error: '#pragma compss wait_on' must be inside a function body
