// Statement pragmas and task calls inside a lambda body are rewritten like any other.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
void bump(int &x);

void user(int &x) {
  auto step = [&] {
    bump(x);
#pragma compss wait_on(x)
  };
  step();
}

// CHECK:      {{^}}    ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::bump)>(x);
// CHECK-NEXT: {{^}}::compss::wait_on(x);
// CHECK-NEXT: {{^}}  };
