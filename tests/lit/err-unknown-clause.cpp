// An unknown clause of `#pragma compss task` is an error at the clause; nothing is
// written and the real compiler is not run.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o
// RUN: rm -f %t.cpp
// RUN: not %compss-cc --emit-source %s -o %t.cpp 2>&1 | %FileCheck %s
// RUN: not test -e %t.cpp

#pragma compss task in(a) fast(a)
void f(int &a);

// CHECK: err-unknown-clause.cpp:10:27: error: unknown clause 'fast' in '#pragma compss task'
