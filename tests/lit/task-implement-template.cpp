// Versions of function templates: a version is a template of the same template
// parameters; each instantiation a call names gets the same instantiation of each version
// as its version (made here when the program has none), and a direct call of a version's
// instantiation runs that one only.
// RUN: %compss-cc --emit-source %s | grep -v "^// CHECK" | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#include <vector>

namespace algo {
#pragma compss task
template <class T, int N> void scale(std::vector<T> &v) { for (auto &x : v) x *= N; }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(scale)
template <class T, int N> void scale_gpu(std::vector<T> &v) { for (auto &x : v) x *= N; }
} // namespace algo

void user(std::vector<int> &a, std::vector<double> &b) {
  algo::scale<int, 2>(a);
  algo::scale<double, 3>(b);
  algo::scale_gpu<int, 2>(a);
}

// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[I2:[0-9]+]]{
// CHECK-NEXT:     .name = "algo::scale_gpu<int, 2>", .signature = "void algo::scale_gpu<int, 2>(std::vector<int> &)",
// CHECK:          .implements = "void algo::scale<int, 2>(std::vector<int> &)"};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[D3:[0-9]+]]{
// CHECK-NEXT:     .name = "algo::scale_gpu<double, 3>", .signature = "void algo::scale_gpu<double, 3>(std::vector<double> &)",
// CHECK:          .implements = "void algo::scale<double, 3>(std::vector<double> &)"};
// CHECK:      __compss_versions_[[SI:[0-9]+]][] = {&__compss_task_[[I2]]};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[SI]]{
// CHECK-NEXT:     .name = "algo::scale<int, 2>",
// CHECK:          .versions = __compss_versions_[[SI]], .version_count = 1};
// CHECK:      __compss_versions_[[SD:[0-9]+]][] = {&__compss_task_[[D3]]};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[SD]]{
// CHECK-NEXT:     .name = "algo::scale<double, 3>",
// CHECK:          .versions = __compss_versions_[[SD]], .version_count = 1};
// CHECK:      ::compss::detail::call_task<__compss_task_[[SI]], static_cast<void (*)(::std::vector<int> &)>(&::algo::scale<int, 2>), ::compss::detail::Version<__compss_task_[[I2]], static_cast<void (*)(::std::vector<int> &)>(&::algo::scale_gpu<int, 2>)>>(a);
// CHECK-NEXT: ::compss::detail::call_task<__compss_task_[[SD]], static_cast<void (*)(::std::vector<double> &)>(&::algo::scale<double, 3>), ::compss::detail::Version<__compss_task_[[D3]], static_cast<void (*)(::std::vector<double> &)>(&::algo::scale_gpu<double, 3>)>>(b);
// CHECK-NEXT: ::compss::detail::call_task<__compss_task_[[I2]], static_cast<void (*)(::std::vector<int> &)>(&::algo::scale_gpu<int, 2>)>(a);
