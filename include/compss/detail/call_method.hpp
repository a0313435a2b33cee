// Member-function tasks: compss-cc turns `obj.method(args)` into a call_task of a plain
// function whose first parameter is the object (docs/architecture.md, "Member functions").
#pragma once

#include <utility>

namespace compss::detail {

/// `method_adapter<&C::m>::call` is a plain function `R(C&, P...)` (or `R(const C&, P...)`
/// for a const method) that calls `self.m(args...)`: call_task takes function pointers, so
/// the object becomes the task's first datum.
///
///   struct Counter { void add(int n); };
///   Counter c;
///   ::compss::detail::call_task<__compss_task_0,
///       &::compss::detail::method_adapter<static_cast<void (::Counter::*)(int)>(
///           &::Counter::add)>::call>(c, 5);   // c.add(5) as a task; c is inout
template <auto Method>
struct method_adapter;

template <class C, class R, class... P, R (C::*Method)(P...)>
struct method_adapter<Method> {
  static R call(C& self, P... args) { return (self.*Method)(std::forward<P>(args)...); }
};

template <class C, class R, class... P, R (C::*Method)(P...) const>
struct method_adapter<Method> {
  static R call(const C& self, P... args) { return (self.*Method)(std::forward<P>(args)...); }
};

template <class C, class R, class... P, R (C::*Method)(P...) noexcept>
struct method_adapter<Method> {
  static R call(C& self, P... args) { return (self.*Method)(std::forward<P>(args)...); }
};

template <class C, class R, class... P, R (C::*Method)(P...) const noexcept>
struct method_adapter<Method> {
  static R call(const C& self, P... args) { return (self.*Method)(std::forward<P>(args)...); }
};

}  // namespace compss::detail
