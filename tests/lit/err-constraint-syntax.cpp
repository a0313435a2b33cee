// constraint(...) is a list of key=value.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task constraint(cores 2)
void f(int &a);
#pragma compss task constraint(cores=)
void g(int &a);
#pragma compss task constraint(=2)
void h(int &a);

// CHECK: err-constraint-syntax.cpp:4:38: error: expected '=' after 'computing_units'
// CHECK: err-constraint-syntax.cpp:6:38: error: expected a value for 'computing_units'
// CHECK: err-constraint-syntax.cpp:8:32: error: expected 'key=value' in 'constraint(...)'
