// out/inout on a const reference or a pointer to const: the task cannot write.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task out(a) inout(p)
void f(const int &a, const double *p);

// CHECK: err-write-const.cpp:6:25: error: 'out' clause on parameter 'a' of type 'const int &', which refers to const data: the task cannot write to it
// CHECK: err-write-const.cpp:6:34: error: 'inout' clause on parameter 'p' of type 'const double *', which refers to const data: the task cannot write to it
