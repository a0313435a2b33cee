// The non-const globals a task reads are registered with it, so that workers get the
// master's values (task_globals.hpp): read in its body, through a function of this file
// it calls (and the functions that one calls), as a static member; const globals, the
// standard library's and locals are not. A task reading none registers nothing.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -Wall -Wextra -Werror -fsyntax-only %s
#include <cstdio>
#include <string>
#include <vector>

namespace cfg {
int block_size = 0;
namespace {
double scale = 1.0;
}
} // namespace cfg
struct Limits {
  static long max_steps;
};
long Limits::max_steps = 10;
static std::vector<double> weights;
const int fixed = 4;
constexpr double pi = 3.14;
static std::string label;
int unused_global = 0;
thread_local int per_thread = 0;
double coeffs[2][3]; // an array of raw elements travels as its bytes

static int elements() { return cfg::block_size * cfg::block_size; }
static double scaled(double x) { return x * cfg::scale; }
static double weight(int i) { return weights[static_cast<std::size_t>(i)] + scaled(1.0); }

#pragma compss task
double body(int n) {
  std::printf("%d\n", n);
  return n * fixed * pi + elements() + weight(0) + static_cast<double>(label.size());
}

#pragma compss task
long member(int n) { return n + Limits::max_steps + per_thread + static_cast<long>(coeffs[1][n]); }

#pragma compss task
int none(int n) {
  int local = n;
  static const int twice = 2;
  return local * twice;
}

int main() {
  double d = body(1);
  long m = member(2);
  int k = none(3);
  return static_cast<int>(d) + static_cast<int>(m) + k;
}

// Registered at the end, in order of first use (elements, then weight and what it calls).
// CHECK:      {{^}}constexpr ::compss::detail::GlobalVar __compss_globals_0[] = {
// CHECK-NEXT: {{^}}    ::compss::detail::global_var<&::label>("label"),
// CHECK-NEXT: {{^}}    ::compss::detail::global_var<&::cfg::block_size>("cfg::block_size"),
// CHECK-NEXT: {{^}}    ::compss::detail::global_var<&::weights>("weights"),
// CHECK-NEXT: {{^}}    ::compss::detail::global_var<&::cfg::scale>("cfg::(anonymous namespace)::scale")};
// CHECK-NEXT: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_0 = ::compss::detail::register_task_globals("double body(int)", __compss_globals_0, 4, nullptr);
// CHECK-NEXT: {{^}}}
// CHECK-NEXT: {{^}}namespace {
// CHECK-NEXT: {{^}}constexpr ::compss::detail::GlobalVar __compss_globals_1[] = {
// CHECK-NEXT: {{^}}    ::compss::detail::global_var<&::Limits::max_steps>("Limits::max_steps"),
// CHECK-NEXT: {{^}}    ::compss::detail::global_var<&::coeffs>("coeffs")};
// CHECK-NEXT: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_1 = ::compss::detail::register_task_globals("long member(int)", __compss_globals_1, 2, nullptr);
// CHECK-NEXT: {{^}}}
// CHECK-NOT:  __compss_globals_2
