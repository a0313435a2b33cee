// An empty parameter list, or a missing name in the list.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task in()
void f(int a);

#pragma compss task inout(a, )
void g(int &a);

void user(int &x) {
#pragma compss wait_on()
}

// CHECK: err-empty-list.cpp:6:24: error: empty parameter list in the 'in' clause
// CHECK: err-empty-list.cpp:9:30: error: expected a parameter name in the 'inout' clause
// CHECK: err-empty-list.cpp:13:24: error: 'wait_on' needs at least one argument
