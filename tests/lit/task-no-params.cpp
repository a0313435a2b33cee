// A task without parameters has no ParamSpec array: `nullptr, 0`.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
int answer();

int user() { return answer(); }

// CHECK:      {{^}}#include <compss/compss.hpp>
// CHECK-NEXT: {{^}}static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT: {{^}}    "answer", "int answer()", nullptr, 0};
// CHECK-NEXT: {{^}}#line 1
// CHECK:      {{^}}int user() { return ::compss::detail::call_task<__compss_task_0, static_cast<int (*)()>(&::answer)>(); }
