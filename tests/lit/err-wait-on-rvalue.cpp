// wait_on and delete take lvalues.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

void user(int x, int *p) {
#pragma compss wait_on(x, x + 1)
#pragma compss wait_on(42)
#pragma compss delete(&x)
#pragma compss wait_on(*p, p[1])
}

// CHECK: err-wait-on-rvalue.cpp:5:27: error: 'x + 1' is not an lvalue: '#pragma compss wait_on' needs variables or other lvalues
// CHECK: err-wait-on-rvalue.cpp:6:24: error: '42' is not an lvalue: '#pragma compss wait_on' needs variables or other lvalues
// CHECK: err-wait-on-rvalue.cpp:7:23: error: '&x' is not an lvalue: '#pragma compss delete' needs variables or other lvalues
