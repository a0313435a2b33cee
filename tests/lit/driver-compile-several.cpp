// `-c` with several sources writes basename.o for each in the current directory;
// `-o` with several sources is an error.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cd %t && %compss-cc -c -I %inputs %s %inputs/tasks.cpp
// RUN: test -f %t/driver-compile-several.o
// RUN: test -f %t/tasks.o
// RUN: not %compss-cc -c -I %inputs %s %inputs/tasks.cpp -o %t/x.o 2>&1 | %FileCheck %s
// RUN: not test -e %t/x.o
#include "tasks.h"

void user(long &t) { lib::accumulate(t, 1); }

// CHECK: compss-cc: error: cannot specify '-o' with '-c', '-S' or '-E' and several files
