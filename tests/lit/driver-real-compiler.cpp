// The real compiler comes from $COMPSS_CXX (default `c++`); a missing one is a clear
// error.
// RUN: rm -f %t.o
// RUN: env COMPSS_CXX=%cxx %compss-cc -c %s -o %t.o
// RUN: test -f %t.o
// RUN: not env COMPSS_CXX=no-such-compiler-for-compss %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s

#pragma compss task
void work(int &x);

void user(int &x) { work(x); }

// CHECK: compss-cc: error: cannot find the C++ compiler 'no-such-compiler-for-compss' (set COMPSS_CXX)
