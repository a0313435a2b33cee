// Calls in unevaluated operands (sizeof, noexcept) never run: they stay as written, so
// their types are the function's own. (decltype is rewritten: see task-decltype.cpp.)
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
int compute(int x);

void user() {
  int a = 0;
  unsigned long b = sizeof(compute(2));
  bool c = noexcept(compute(3));
  (void)a, (void)b, (void)c;
  compute(4);
}

// CHECK:      {{^}}  int a = 0;
// CHECK-NEXT: {{^}}  unsigned long b = sizeof(compute(2));
// CHECK-NEXT: {{^}}  bool c = noexcept(compute(3));
// CHECK-NEXT: {{^}}  (void)a, (void)b, (void)c;
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<int (*)(int)>(&::compute)>(4);
