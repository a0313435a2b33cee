// An argument used in an extent is evaluated twice: side effects are an error.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task inout(a[n])
void f(int *a, int n);

void user(int *p, int k) {
  f(p, k++);
}

// CHECK: err-extent-side-effects.cpp:8:9: error: argument 'k++' of this call to task 'f' is used in an array extent and has side effects: it would be evaluated twice
