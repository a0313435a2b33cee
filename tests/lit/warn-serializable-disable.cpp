// -Wcompss-serializable is on by default; -Wno-compss-serializable and
// -Wno-compss turn it off (the last flag wins); the real compiler never sees
// these flags.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: %compss-cc -Wno-compss-serializable -c %s -o %t.o 2>&1 | %FileCheck %s --check-prefix=QUIET --allow-empty
// RUN: %compss-cc -Wno-compss -c %s -o %t.o 2>&1 | %FileCheck %s --check-prefix=QUIET --allow-empty
// RUN: %compss-cc -Wno-compss -Wcompss-serializable -c %s -o %t.o 2>&1 | %FileCheck %s

#pragma compss task
void bump(int *counter);

// CHECK: warn-serializable-disable.cpp:10:16: warning: task 'bump' cannot run on a worker
// QUIET-NOT: warning:
