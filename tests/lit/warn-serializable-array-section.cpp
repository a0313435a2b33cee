// An array section (a pointer with an extent) stays in the master's memory:
// the task always runs on the master.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>

#pragma compss task inout(diag[n])
void scale(double *diag, int n);

void user(double *d, int k) { scale(d, k); }

// The runtime agrees: the parameter is a pointer.
static_assert(!compss::detail::remote_param_ok_v<double *, compss::detail::ParamKind::object>);

// CHECK: warn-serializable-array-section.cpp:6:27: warning: task 'scale' cannot run on a worker: parameter 'diag' of type 'double *' is not serializable (an array section: the array stays in the master's memory); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-array-section.cpp:6:27: note: to let the task run on workers, pass a serializable type
