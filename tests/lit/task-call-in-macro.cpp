// A call written inside a macro's definition stays a synchronous call, with a
// warning; a call written in a macro's argument is in the file and is rewritten, its
// callee parenthesized so that the comma of call_task<S, F> does not split the argument.
// RUN: %compss-cc --emit-source %s 2>%t.err | %FileCheck %s
// RUN: %FileCheck --check-prefix=WARN --implicit-check-not=warning: %s < %t.err
// RUN: %compss-cc -fsyntax-only %s 2>/dev/null

#pragma compss task
void touch(int &x);
#define TOUCH(v) touch(v)
#define DISCARD(e) (void)(e)

void user(int &x) {
  TOUCH(x);
  touch(x);
  DISCARD(touch(x));
}

// CHECK:      {{^}}  TOUCH(x);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::touch)>(x);
// CHECK-NEXT: {{^}}  DISCARD((::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::touch)>)(x));
// WARN: task-call-in-macro.cpp:14:3: warning: call to task 'touch' inside a macro expansion runs synchronously, not as a task
