// Tasks in inline and anonymous namespaces, and a static task: the callee is spelled
// without the unwritten scopes.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

namespace {
#pragma compss task
void hidden(int &x) { ++x; }
} // namespace

namespace api {
inline namespace v2 {
#pragma compss task
void versioned(int &x) { ++x; }
} // namespace v2
} // namespace api

#pragma compss task
static int local(int x) { return x; }

void user(int &x) {
  hidden(x);
  api::versioned(x);
  api::v2::versioned(x);
  auto r = local(x);
}

// CHECK:      {{^}}    "hidden", "void hidden(int &)", __compss_params_0, 1};
// CHECK:      {{^}}    "api::versioned", "void api::versioned(int &)", __compss_params_1, 1};
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::hidden)>(x);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_1, static_cast<void (*)(int &)>(&::api::versioned)>(x);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_1, static_cast<void (*)(int &)>(&::api::versioned)>(x);
// CHECK-NEXT: {{^}}  auto r = ::compss::detail::call_task<__compss_task_2, static_cast<int (*)(int)>(&::local)>(x);
