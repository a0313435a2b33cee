// Every data clause of SPEC section 2 becomes its ParamSpec direction and kind.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
#include <span>
#include <string>
#include <vector>

#pragma compss task concurrent(a) commutative(b) in_delete(c) directory_in(d) \
    directory_out(e) directory_inout(f) collection_in(g) collection_out(h) \
    collection_inout(i)
void all(int &a, int &b, const int &c, const std::string &d, const char *e,
         std::string f, const std::vector<int> &g, std::vector<int> &h,
         std::span<double> i);

void user(std::vector<int> &h, std::span<double> i) {
  int a = 0, b = 0, c = 0;
  std::vector<int> g;
  all(a, b, c, "d", "e", "f", g, h, i);
}

// CHECK:      {::compss::detail::Direction::concurrent, ::compss::detail::ParamKind::object, "a"},
// CHECK-NEXT: {::compss::detail::Direction::commutative, ::compss::detail::ParamKind::object, "b"},
// CHECK-NEXT: {::compss::detail::Direction::in_delete, ::compss::detail::ParamKind::object, "c"},
// CHECK-NEXT: {::compss::detail::Direction::in, ::compss::detail::ParamKind::directory, "d"},
// CHECK-NEXT: {::compss::detail::Direction::out, ::compss::detail::ParamKind::directory, "e"},
// CHECK-NEXT: {::compss::detail::Direction::inout, ::compss::detail::ParamKind::directory, "f"},
// CHECK-NEXT: {::compss::detail::Direction::in, ::compss::detail::ParamKind::collection, "g"},
// CHECK-NEXT: {::compss::detail::Direction::out, ::compss::detail::ParamKind::collection, "h"},
// CHECK-NEXT: {::compss::detail::Direction::inout, ::compss::detail::ParamKind::collection, "i"}};
