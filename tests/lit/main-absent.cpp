// A TU without main gets the prologue only: no epilogue, no renaming.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

int helper(int mainly) { return mainly + 1; }

// CHECK:      {{^}}#include <compss/compss.hpp>
// CHECK-NEXT: {{^}}#line 1 "{{.*}}main-absent.cpp"
// CHECK:      {{^}}int helper(int mainly) { return mainly + 1; }
// CHECK-NOT:  {{^}}int main(
