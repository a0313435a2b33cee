// TaskSpecs are emitted for the tasks the TU calls or defines, numbered in pragma
// order; a task only declared here and never called gets none. The spec of a task
// defined but not called is [[maybe_unused]], so -Werror builds keep building.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -Wall -Wextra -Wunused-const-variable -Werror -fsyntax-only %s

#pragma compss task
void declared_only(int &x);

#pragma compss task
void defined_here(int &x) { ++x; }

#pragma compss task
void called(int &x);

void user(int &x) { called(x); }

// CHECK-NOT:  {{^}}    "declared_only"
// CHECK:      {{^}}{{\[\[}}maybe_unused{{\]\]}} static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT: {{^}}    "defined_here", "void defined_here(int &)", __compss_params_0, 1};
// CHECK:      {{^}}static constexpr ::compss::detail::TaskSpec __compss_task_1{
// CHECK-NEXT: {{^}}    "called", "void called(int &)", __compss_params_1, 1};
// CHECK-NEXT: {{^}}#line 1
// CHECK:      {{^}}void user(int &x) { ::compss::detail::call_task<__compss_task_1, static_cast<void (*)(int &)>(&::called)>(x); }
