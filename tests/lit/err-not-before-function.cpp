// A task pragma must be followed by a function declaration.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o

#pragma compss task
int not_a_function = 0;

void g() {
#pragma compss task
}

#pragma compss task
// CHECK: err-not-before-function.cpp:6:16: error: '#pragma compss task' must be followed by a function declaration
// CHECK: err-not-before-function.cpp:10:16: error: '#pragma compss task' must be followed by a function declaration
// CHECK: err-not-before-function.cpp:13:16: error: '#pragma compss task' must be followed by a function declaration
