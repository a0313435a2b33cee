// Array extents: only on pointers, over parameters and visible names, from 0.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

const int rows = 4;
#pragma compss task inout(a[n])
void f(int &a, int n);
#pragma compss task inout(a[cols])
void g(int *a, int n);
#pragma compss task in(a[1:n])
void h(const int *a, int n);
#pragma compss task in(a[])
void k(const int *a, int n);
#pragma compss task file_in(p[n])
void l(const char *p, int n);
#pragma compss task in(a[rows]) inout(b[n
void m(const int *a, int *b, int n);

// CHECK: err-extent.cpp:9:26: error: the array section of 'a' must start at 0, as 'a[0:n]' (the runtime tracks arrays from their start)
// CHECK: err-extent.cpp:11:25: error: empty array extent for 'a'
// CHECK: err-extent.cpp:15:42: error: expected ']' to close the array extent in 'inout'
// CHECK: err-extent.cpp:5:27: error: array extent on parameter 'a' of type 'int &': only pointer parameters take an extent
// CHECK: err-extent.cpp:7:29: error: 'cols' in the array extent of 'a' is neither a parameter of the task nor visible where it is declared
// CHECK: err-extent.cpp:13:29: error: array extent in the 'file_in' clause: only object clauses (in, out, inout ...) take one
