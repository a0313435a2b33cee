// Tasks in namespaces: the callee is spelled from the global namespace whatever the
// call site wrote, parameter types too; the TaskSpec names are qualified.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

namespace geo {
struct Point {
  double x, y;
};
namespace ops {
#pragma compss task inout(p)
void shift(Point &p, double by);
} // namespace ops
} // namespace geo

namespace other {
// A different Point at the call site: the pointer type must not pick it up.
struct Point {};
void user(geo::Point &p) {
  geo::ops::shift(p, 1.0);
  using namespace geo::ops;
  shift(p, 2.0);
}
} // namespace other

// CHECK:      {{^}}    "geo::ops::shift", "void geo::ops::shift(geo::Point &, double)", __compss_params_0, 2};
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(::geo::Point &, double)>(&::geo::ops::shift)>(p, 1.0);
// CHECK:      {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(::geo::Point &, double)>(&::geo::ops::shift)>(p, 2.0);
