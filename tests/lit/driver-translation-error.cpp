// A C++ error is reported once, by the translator's parse, at the user's line; the
// real compiler is not run and no object is written.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task
void work(int &x);

void user() { work(undeclared_variable); }

// CHECK: driver-translation-error.cpp:10:20: error: use of undeclared identifier 'undeclared_variable'
// CHECK-NOT: error:
