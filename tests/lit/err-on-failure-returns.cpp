// returns=<value> is only valid as on_failure(ignore, returns=<value>), with a value.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task on_failure(fail, returns=0)
int a(int x);
#pragma compss task on_failure(ignore, returns)
int b(int x);
#pragma compss task on_failure(ignore, returns=)
int c(int x);
#pragma compss task on_failure(ignore, default=0)
int d(int x);
#pragma compss task on_failure(ignore retry)
int e(int x);
#pragma compss task on_failure()
int f(int x);

// CHECK: err-on-failure-returns.cpp:4:38: error: 'returns=' is only valid with on_failure(ignore, ...), not with 'fail'
// CHECK: err-on-failure-returns.cpp:6:47: error: expected '=' after 'returns'
// CHECK: err-on-failure-returns.cpp:8:48: error: expected a value for 'returns'
// CHECK: err-on-failure-returns.cpp:10:40: error: expected 'on_failure(<policy>)' or 'on_failure(ignore, returns=<value>)'
// CHECK: err-on-failure-returns.cpp:12:39: error: expected 'on_failure(<policy>)' or 'on_failure(ignore, returns=<value>)'
// CHECK: err-on-failure-returns.cpp:14:32: error: expected 'on_failure(<policy>)' or 'on_failure(ignore, returns=<value>)'
