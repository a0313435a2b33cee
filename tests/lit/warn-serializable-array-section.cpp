// An array section (a pointer with an extent) travels as its elements: no warning for a
// section of doubles. A section whose elements cannot travel keeps the task on the
// master, and the warning says why from the element type.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s --implicit-check-not=warning:
#include <compss/detail/remote_invoke.hpp>

#include <string>

#pragma compss task inout(diag[n])
void scale(double *diag, int n);

struct Named {
  std::string name;
};

#pragma compss task in(items[n])
void show(const Named *items, int n);

#pragma compss task inout(flags[n])
void flip(bool *flags, int n);

void user(double *d, const Named *m, bool *f, int k) {
  scale(d, k);
  show(m, k);
  flip(f, k);
}

// The runtime agrees: a section travels when its elements do (a pointer without an
// extent never does).
using compss::detail::ParamKind;
static_assert(compss::detail::remote_param_ok_v<double *, ParamKind::object, true>);
static_assert(compss::detail::remote_param_ok_v<const double *, ParamKind::object, true>);
static_assert(!compss::detail::remote_param_ok_v<double *, ParamKind::object>);
static_assert(!compss::detail::remote_param_ok_v<const Named *, ParamKind::object, true>);
static_assert(!compss::detail::remote_param_ok_v<bool *, ParamKind::object, true>);

// CHECK: warn-serializable-array-section.cpp:16:24: warning: task 'show' cannot run on a worker: parameter 'items' of type 'const Named *' is not serializable ('Named' is not trivially copyable and has no public 'serialize' member); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-array-section.cpp:12:8: note: to let the task run on workers, give 'Named' a public member
// CHECK: warn-serializable-array-section.cpp:19:27: warning: task 'flip' cannot run on a worker: parameter 'flags' of type 'bool *' is not serializable (an array section of 'bool' elements cannot be sent to a worker yet); it will always run on the master [-Wcompss-serializable]
