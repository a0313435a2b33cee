// priority takes no argument or true/false.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task priority(high)
void f(int &a);

// CHECK: err-bad-priority.cpp:4:30: error: expected 'true' or 'false' in 'priority(...)'
