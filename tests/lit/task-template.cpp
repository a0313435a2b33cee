// A function template task is a task per instantiation: each TaskSpec has the
// specialization's name and signature, and the callee names the specialization.
// Clauses are checked again against each instantiation's parameter types.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s
// RUN: not %compss-cc -fsyntax-only -DBAD %s 2>&1 | %FileCheck %s --check-prefix=BAD

namespace ns {
#pragma compss task in(a) out(b)
template <class T, int N> void copy(const T &a, T &b) { b = a * N; }
} // namespace ns

#pragma compss task file_in(path)
template <class P> void load(P path);

void user() {
  int a = 1, b = 0;
  double x = 1, y = 0;
  ns::copy<int, 2>(a, b);
  ns::copy<double, 3>(x, y);
  load("a.txt");
#ifdef BAD
  load(42);
#endif
}

// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT:     "ns::copy<int, 2>", "void ns::copy<int, 2>(const int &, int &)", __compss_params_0, 2};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_1{
// CHECK-NEXT:     "ns::copy<double, 3>", "void ns::copy<double, 3>(const double &, double &)", __compss_params_1, 2};
// CHECK:      "load<const char *>", "void load<const char *>(const char *)"
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(const int &, int &)>(&::ns::copy<int, 2>)>(a, b);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_1, static_cast<void (*)(const double &, double &)>(&::ns::copy<double, 3>)>(x, y);
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_2, static_cast<void (*)(const char *)>(&::load<const char *>)>("a.txt");

// BAD: task-template.cpp:13:29: error: 'file_in' clause on parameter 'path' of type 'int': a file parameter must be
