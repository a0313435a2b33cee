// compss pragmas produced by _Pragma (for instance from a macro) cannot be rewritten
// in place: an error at the _Pragma.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

void user() {
  _Pragma("compss barrier")
}

// CHECK: err-pragma-operator.cpp:8:3: error: compss pragmas must be written as '#pragma compss', not produced by _Pragma or a macro
