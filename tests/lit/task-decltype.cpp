// A call inside decltype names the type the call yields: under compss-cc that is a
// compss::Future, so the call is rewritten there too and the declared variable can
// hold the result of a real call.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#include <vector>

#pragma compss task
long square(long v) { return v * v; }

void user() {
  std::vector<decltype(square(0))> results;
  results.push_back(square(3));
}

// CHECK:      {{^}}  std::vector<decltype(::compss::detail::call_task<__compss_task_0, static_cast<long (*)(long)>(&::square)>(0))> results;
// CHECK-NEXT: {{^}}  results.push_back(::compss::detail::call_task<__compss_task_0, static_cast<long (*)(long)>(&::square)>(3));
