// `#pragma compss wait_on(x, y)` becomes one compss::wait_on per argument, on the
// pragma's line; arguments are any lvalues, kept as written.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s
#include <vector>

struct Holder {
  int value;
};

#pragma compss task
void fill(int &x);

void user(std::vector<int> &v, Holder *h, int i) {
  fill(v[i]);
  fill(h->value);
#pragma compss wait_on(v[i], h->value, v)
  int after = 0;
  (void)after;
}

// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::fill)>(h->value);
// CHECK-NEXT: {{^}}::compss::wait_on(v[i]); ::compss::wait_on(h->value); ::compss::wait_on(v);
// CHECK-NEXT: {{^}}  int after = 0;
