// In a template task a dependent parameter type is not judged: each
// instantiation that a call names is, once, with the specialization's name.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s --implicit-check-not=warning:
#include <compss/detail/remote_invoke.hpp>

template <class T>
#pragma compss task in(value)
void show(T value) {}

void user(int *p) {
  show(1);
  show(p);
  show(p);
  show(2.5);
}

// The runtime agrees.
using compss::detail::ParamKind;
static_assert(compss::detail::remote_param_ok_v<int, ParamKind::object>);
static_assert(!compss::detail::remote_param_ok_v<int *, ParamKind::object>);

// CHECK: warn-serializable-template.cpp:7:24: warning: task 'show<int *>' cannot run on a worker: parameter 'value' of type 'int *' is not serializable (a pointer: an address means nothing on another node); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-template.cpp:7:24: note: to let the task run on workers, pass a serializable type
