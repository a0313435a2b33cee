// A non-void task: the call yields a compss::Future<R>; `auto r = f(x);` stays valid
// and the declared return type is untouched.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s
#include <compss/compss.hpp>

#pragma compss task
long square(int x) { return static_cast<long>(x) * x; }

long user() {
  auto r = square(7);
  long value = compss::wait_on(r);
  return value;
}

// CHECK:      {{^}}    "square", "long square(int)", __compss_params_0, 1};
// CHECK:      {{^}}long square(int x) { return static_cast<long>(x) * x; }
// CHECK:      {{^}}  auto r = ::compss::detail::call_task<__compss_task_0, static_cast<long (*)(int)>(&::square)>(7);
