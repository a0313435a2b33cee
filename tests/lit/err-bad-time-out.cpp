// time_out needs a positive number of seconds.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task time_out(0)
void f(int &a);
#pragma compss task time_out(soon)
void g(int &a);

// CHECK: err-bad-time-out.cpp:4:30: error: time_out needs a positive number of seconds, not '0'
// CHECK: err-bad-time-out.cpp:6:30: error: time_out needs a positive number of seconds, not 'soon'
