// time_out takes exactly one argument; on_failure a policy (and maybe returns=...).
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task time_out(1, 2)
void f(int &a);
#pragma compss task on_failure()
void g(int &a);

// CHECK: err-clause-arity.cpp:4:33: error: clause 'time_out' takes exactly one argument
// CHECK: err-clause-arity.cpp:6:32: error: expected 'on_failure(<policy>)' or 'on_failure(ignore, returns=<value>)'
