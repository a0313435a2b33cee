// Array extents: the argument of a pointer parameter named with an extent is passed
// as ::compss::detail::section(<arg>, <extent>), each parameter in the extent replaced
// by the parenthesized argument; globals stay as written. No line moves. Its ParamSpec
// says it is an array section (it travels as its elements).
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

constexpr int width = 2;

#pragma compss task inout(diag[n]) in(row[0:n * width])
void scale(double *diag, const double *row, int n);

void user(double *d, const double *r, int k) {
  scale(d, r, k + 1);
}

// CHECK:      {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "diag", true},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "row", true},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "n"}};
// CHECK:      {{^}}void user(double *d, const double *r, int k) {
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(double *, const double *, int)>(&::scale)>(::compss::detail::section(d, (k + 1)), ::compss::detail::section(r, (k + 1) * width), k + 1);
// CHECK-NEXT: {{^}}}
