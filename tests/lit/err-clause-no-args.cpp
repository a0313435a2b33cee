// A clause without arguments given some is an error at the '('.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task replicated(a)
void f(int &a);

// CHECK: err-clause-no-args.cpp:4:31: error: clause 'replicated' takes no arguments
