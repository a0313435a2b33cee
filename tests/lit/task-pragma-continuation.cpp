// A task pragma continued over several lines is blanked line by line: the lines
// after it keep their numbers.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

#pragma compss task in(a) \
    inout(b)
void step(const int &a, int &b);
int after_the_pragma;

// CHECK:      {{^}}#line 1
// CHECK:      {{^}}// RUN: %compss-cc -fsyntax-only %s
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-EMPTY:
// CHECK-NEXT: {{^}}void step(const int &a, int &b);
// CHECK-NEXT: {{^}}int after_the_pragma;
