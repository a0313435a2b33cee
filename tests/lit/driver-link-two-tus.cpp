// Two TUs, the tasks declared in a header and defined in the other TU: compiled and
// linked in one command, and compiled separately then linked from objects.
// REQUIRES: compss-runtime
// RUN: rm -rf %t && mkdir -p %t
// RUN: %compss-cc -O1 -I %inputs %s %inputs/link-tasks.cpp -o %t/app
// RUN: %t/app | %FileCheck %s
// RUN: %compss-cc -c -I %inputs %s -o %t/main.o
// RUN: %compss-cc -c -I %inputs %inputs/link-tasks.cpp -o %t/tasks.o
// RUN: %compss-cc %t/main.o %t/tasks.o -o %t/app2
// RUN: %t/app2 | %FileCheck %s
#include "link-main.h"
#include <cstdio>

int main() {
  long acc = 0;
  for (int i = 1; i <= 10; ++i)
    add_to(acc, i);
  auto doubled = twice(21);
#pragma compss wait_on(acc)
  std::printf("acc=%ld doubled=%ld\n", acc, static_cast<long>(doubled));
}

// CHECK: acc=55 doubled=42
