// The generated-code contract on the example of docs/architecture.md: prologue,
// blanked pragma, rewritten callee, renamed main.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

struct Block {
  int v[4];
};

#pragma compss task in(a) inout(c)
void multiply(const Block &a, Block &c);

int main() {
  Block A{}, C{};
  multiply(A, C);
}

void multiply(const Block &a, Block &c) { c.v[0] += a.v[0]; }

// CHECK:      {{^}}#include <compss/compss.hpp>
// CHECK-NEXT: {{^}}static constexpr ::compss::detail::ParamSpec __compss_params_0[] = {
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::in, ::compss::detail::ParamKind::object, "a"},
// CHECK-NEXT: {{^}}    {::compss::detail::Direction::inout, ::compss::detail::ParamKind::object, "c"}};
// CHECK-NEXT: {{^}}static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT: {{^}}    "multiply", "void multiply(const Block &, Block &)", __compss_params_0, 2};
// CHECK-NEXT: {{^}}#line 1 "{{/.*}}task-basic.cpp"
// CHECK-NEXT: {{^}}// The generated-code contract
// The pragma line is blanked, so every later line keeps its number.
// CHECK:      {{^}}struct Block {
// CHECK:      {{^}}  int v[4];
// CHECK-NEXT: {{^}}};
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}void multiply(const Block &a, Block &c);
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}int __compss_user_main() {
// CHECK-NEXT: {{^}}  Block A{}, C{};
// CHECK-NEXT: {{^}}  ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(const ::Block &, ::Block &)>(&::multiply)>(A, C);
// CHECK-NEXT: {{^}}return ::compss::detail::finish_main(0);}
