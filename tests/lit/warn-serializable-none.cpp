// What can travel gets no warning: a class with a serialize member, standard
// containers and strings of serializable types, trivially copyable structs,
// file paths given as std::string, a serializable result, and a template
// parameter of dependent type (judged per instantiation).
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s --allow-empty --implicit-check-not=warning:
#include <compss/detail/remote_invoke.hpp>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

struct Block {
  std::vector<double> values;
  template <class A> void serialize(A &ar) { ar(values); }
};

struct Point {
  double x, y;
};

struct Derived : Block {
  std::string name;
};

#pragma compss task in(a) inout(b)
void add(const Block &a, Block &b);

#pragma compss task in(v) out(total)
void sum(const std::vector<double> &v, double &total);

#pragma compss task in(p, name)
Point move(Point p, const std::string &name);

#pragma compss task file_in(in) file_out(out)
void copy(const std::string &in, std::string out);

#pragma compss task inout(index)
std::optional<int> lookup(std::map<std::string, std::tuple<int, Point>> &index);

#pragma compss task inout(d)
void grow(Derived &d);

template <class T>
#pragma compss task inout(t)
void touch(T &t) {}

void user(Block &b, Point p) {
  add(b, b);
  move(p, "p");
  touch(b);
}

// The runtime agrees.
using compss::detail::ParamKind;
static_assert(compss::detail::remote_param_ok_v<const Block &, ParamKind::object>);
static_assert(compss::detail::remote_param_ok_v<const std::vector<double> &, ParamKind::object>);
static_assert(compss::detail::remote_param_ok_v<Point, ParamKind::object>);
static_assert(compss::detail::remote_param_ok_v<const std::string &, ParamKind::object>);
static_assert(compss::detail::remote_param_ok_v<const std::string &, ParamKind::file>);
static_assert(compss::detail::remote_param_ok_v<std::string, ParamKind::file>);
static_assert(compss::detail::remote_param_ok_v<
              std::map<std::string, std::tuple<int, Point>> &, ParamKind::object>);
static_assert(compss::is_serializable_v<std::optional<int>>);
static_assert(compss::detail::remote_param_ok_v<Derived &, ParamKind::object>);

// CHECK-NOT: warning:
