// Parameters named in no clause: by value, const T& and const T* are in;
// T& and T* are inout (SPEC section 2).
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task
void defaults(int value, const double &cref, const float *cptr, long &ref,
              char *ptr);

void user() {
  int v = 0;
  double d = 0;
  float f = 0;
  long l = 0;
  char c = 0;
  defaults(v, d, &f, l, &c);
}

// CHECK:      {{^}}static constexpr ::compss::detail::ParamSpec __compss_params_0[] = {
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "value"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "cref"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "cptr"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "ref"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "ptr"}};
// CHECK-NEXT: {{^}}static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT: {{^}}    "defaults", "void defaults(int, const double &, const float *, long &, char *)", __compss_params_0, 5};
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int, const double &, const float *, long &, char *)>(&::defaults)>(v, d, &f, l, &c);
