// A task call in the arguments of another: both callees are replaced, the arguments
// keep their source text.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
int make(int seed);
#pragma compss task
int combine(int a, int b);

int user() { return combine(make(1), make( /* two */ 2)); }

// CHECK: {{^}}int user() { return ::compss::detail::call_task<__compss_task_1, static_cast<int (*)(int, int)>(&::combine)>(::compss::detail::call_task<__compss_task_0, static_cast<int (*)(int)>(&::make)>(1), ::compss::detail::call_task<__compss_task_0, static_cast<int (*)(int)>(&::make)>( /* two */ 2)); }
