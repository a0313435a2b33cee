// -Wcompss: a non-const reference or pointer named in no clause is inout; say so
// once per parameter. Off by default; the real compiler never sees -Wcompss.
// RUN: %compss-cc -Wcompss -fsyntax-only %s 2>&1 | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s --check-prefix=QUIET --allow-empty
// RUN: %compss-cc -Wcompss -c %s -o %t.o

#pragma compss task in(named)
void f(int &named, int &plain, int *ptr, const int &cref, int value);
#pragma compss task in(named)
void f(int &named, int &plain, int *ptr, const int &cref, int value) {}

// CHECK:     warn-implicit-inout.cpp:8:25: warning: parameter 'plain' of task 'f' has type 'int &' and is named in no clause: it is treated as inout [-Wcompss]
// CHECK:     warn-implicit-inout.cpp:8:37: warning: parameter 'ptr' of task 'f' has type 'int *' and is named in no clause: it is treated as inout [-Wcompss]
// CHECK-NOT: warning: parameter
// QUIET-NOT: warning: parameter
