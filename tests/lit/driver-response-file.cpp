// `@file` response files are expanded, as GCC and Clang do; like them, an `@name`
// that is no file stays an argument as written.
// RUN: rm -f %t.o
// RUN: echo "-DVALUE=3 -c" > %t.rsp
// RUN: %compss-cc @%t.rsp %s -o %t.o
// RUN: test -e %t.o
// RUN: not %compss-cc @%t.missing %s -o %t.o 2>&1 | %FileCheck %s

#if VALUE != 3
#error VALUE not set by the response file
#endif
#pragma compss task
void f(int &a);
void user(int &a) { f(a); }

// CHECK: error: VALUE not set by the response file
