// A default result needs a result: returns=<value> on a void task is an error.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task inout(x) on_failure(ignore, returns=0)
void refine(int &x);

// CHECK: err-on-failure-returns-void.cpp:4:49: error: on_failure(ignore, returns=...) needs a task that returns a value; 'refine' returns void
