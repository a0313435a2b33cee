// Unknown compss pragmas, a bare `#pragma compss`, and junk after barrier.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

void user() {
#pragma compss wait
#pragma compss
#pragma compss barrier now
}

// CHECK: err-unknown-pragma.cpp:7:16: error: unknown compss pragma 'wait'
// CHECK: err-unknown-pragma.cpp:8:15: error: expected a compss pragma name after '#pragma compss'
// CHECK: err-unknown-pragma.cpp:9:24: error: unexpected 'now' in '#pragma compss barrier'
