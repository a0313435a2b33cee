// Member function tasks. A static member is a plain task. A non-static member's object
// is the task's first datum, `this`: inout, or in for a const method. The call
// `obj.m(args)` becomes call_task of method_adapter<&C::m>::call with the object first:
// `obj`, `*(p)` for `p->m`, `*this` for a call inside a member. No line moves.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

namespace ns {
struct Acc {
  int total = 0;
#pragma compss task
  void add(int n) { total += n; }
#pragma compss task
  int get() const { return total; }
#pragma compss task
  static void reset(Acc &a) { a.total = 0; }
  void twice(int n) {
    add(n);
    this->add(n);
  }
};
} // namespace ns

int user(ns::Acc &acc, ns::Acc *p) {
  acc.add(3);
  p->add(4);
  ns::Acc::reset(acc);
  auto r = acc.get();
  return r;
}

// CHECK:      #include <compss/detail/call_method.hpp>
// CHECK:      {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "this"},
// CHECK-NEXT: {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "n"}};
// CHECK:      "ns::Acc::add", "void ns::Acc::add(int)", __compss_params_0, 2};
// CHECK:      {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "this"}};
// CHECK:      "ns::Acc::get", "int ns::Acc::get() const", __compss_params_1, 1};
// CHECK:      "ns::Acc::reset", "void ns::Acc::reset(ns::Acc &)", __compss_params_2, 1};
// CHECK:      {{^}}    ::compss::detail::call_task<__compss_task_0, &::compss::detail::method_adapter<static_cast<void (::ns::Acc::*)(int)>(&::ns::Acc::add)>::call>(*this, n);
// CHECK-NEXT: {{^}}    ::compss::detail::call_task<__compss_task_0, &::compss::detail::method_adapter<static_cast<void (::ns::Acc::*)(int)>(&::ns::Acc::add)>::call>(*(this), n);
// CHECK:      {{^}}int user(ns::Acc &acc, ns::Acc *p) {
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, {{.*}}>::call>(acc, 3);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, {{.*}}>::call>(*(p), 4);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_2, static_cast<void (*)(::ns::Acc &)>(&::ns::Acc::reset)>(acc);
// CHECK-NEXT: {{^}}  auto r = ::compss::detail::call_task<__compss_task_1, &::compss::detail::method_adapter<static_cast<int (::ns::Acc::*)() const>(&::ns::Acc::get)>::call>(acc);
