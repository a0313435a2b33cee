// Explicit in/out/inout clauses override the defaults; a clause may list several
// parameters, and clauses may repeat or be separated by commas.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task in(a) out(b, c), inout(d) in(e)
void work(int &a, int &b, int *c, int &d, const int &e);

void user() {
  int a = 1, b = 2, c = 3, d = 4, e = 5;
  work(a, b, &c, d, e);
}

// CHECK:      {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "a"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::out, ::compss::detail::ParamKind::object, "b"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::out, ::compss::detail::ParamKind::object, "c"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "d"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "e"}};
