// on_failure(ignore, returns=<expr>): the call becomes call_task_or<...>(a lambda that
// makes the default)(args); the TaskSpec says ignore. Tasks without a default keep
// call_task.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

namespace ns { constexpr double fallback = 0.5; }

#pragma compss task on_failure(ignore, returns=ns::fallback * (2 + 1))
double score(int candidate);

#pragma compss task on_failure(ignore)
int plain(int candidate);

struct Model {
#pragma compss task on_failure(ignore, returns = -1)
  int fit(int steps);
};

void user(Model &m) {
  auto s = score(3);
  auto p = plain(4);
  auto f = m.fit(5);
}

// CHECK:      .on_failure = ::compss::detail::OnFailure::ignore
// CHECK:      {{^}}  auto s = ::compss::detail::call_task_or<__compss_task_0, static_cast<double (*)(int)>(&::score)>([] { return (ns::fallback * (2 + 1)); })(3);
// CHECK-NEXT: {{^}}  auto p = ::compss::detail::call_task<__compss_task_1, static_cast<int (*)(int)>(&::plain)>(4);
// CHECK-NEXT: {{^}}  auto f = ::compss::detail::call_task_or<__compss_task_2, {{.*}}::call>([] { return (-1); })(m, 5);
