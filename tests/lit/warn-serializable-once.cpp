// One warning per task, not per call or per declaration: at the first
// parameter that cannot travel, in the runtime's order (parameters, then the
// result).
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s --implicit-check-not=warning:
#include <memory>

#pragma compss task
std::unique_ptr<int> first(int *a, int *b);

#pragma compss task
std::unique_ptr<int> first(int *a, int *b) { return nullptr; }

void user(int *x, int *y) {
  first(x, y);
  first(y, x);
}

// CHECK: warn-serializable-once.cpp:8:33: warning: task 'first' cannot run on a worker: parameter 'a' of type 'int *'
