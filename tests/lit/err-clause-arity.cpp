// time_out and on_failure take exactly one argument.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task time_out(1, 2)
void f(int &a);
#pragma compss task on_failure()
void g(int &a);

// CHECK: err-clause-arity.cpp:4:33: error: clause 'time_out' takes exactly one argument
// CHECK: err-clause-arity.cpp:6:31: error: clause 'on_failure' takes exactly one argument
