// A constraint key that SPEC does not list is an error at the key.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task constraint(gpus=2)
void f(int &a);
#pragma compss constraint(computing_units=1, colour="red")
#pragma compss task
void g(int &a);

// CHECK: err-constraint-unknown-key.cpp:4:32: error: unknown key 'gpus' in 'constraint(...)'
// CHECK: err-constraint-unknown-key.cpp:6:46: error: unknown key 'colour' in 'constraint(...)'
