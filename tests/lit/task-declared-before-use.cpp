// A task declared before use and defined later: the calls before the definition are
// rewritten, the definition is left exactly as written.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
void increment(int &counter);

void user(int &c) {
  increment(c);
  increment(c);
}

void increment(int &counter) { ++counter; }

// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::increment)>(c);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::increment)>(c);
// CHECK:      {{^}}void increment(int &counter) { ++counter; }
