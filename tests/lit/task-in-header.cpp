// A task declared (with its pragma) in a header and called in the main file: the
// header is not rewritten, the call is, and the TaskSpec comes from the header's
// pragma.
// RUN: %compss-cc --emit-source -I %inputs %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only -I %inputs %s
#include "tasks.h"

void user(long &t) { lib::accumulate(t, 3); }

// CHECK:      {{^}}static constexpr ::compss::detail::ParamSpec __compss_params_0[] = {
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "total"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "amount"}};
// CHECK-NEXT: {{^}}static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT: {{^}}    "lib::accumulate", "void lib::accumulate(long &, int)", __compss_params_0, 2};
// CHECK:      {{^}}#include "tasks.h"
// CHECK:      {{^}}void user(long &t) { ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(long &, int)>(&::lib::accumulate)>(t, 3); }
