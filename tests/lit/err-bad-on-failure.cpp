// on_failure takes one of the four COMPSs policies.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task on_failure(retry_forever)
void f(int &a);

// CHECK: err-bad-on-failure.cpp:4:32: error: unknown on_failure policy 'retry_forever'; expected retry, cancel_successors, fail or ignore
