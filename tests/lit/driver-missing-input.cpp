// A source that does not exist: one compss-cc error naming it, exit 1, no output.
// RUN: rm -f %t.o %t.app
// RUN: not %compss-cc -c %t.does-not-exist.cpp -o %t.o 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: not %compss-cc %t.does-not-exist.cpp -o %t.app 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: not %compss-cc --emit-source %t.does-not-exist.cpp 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: not test -e %t.o
// RUN: not test -e %t.app

// CHECK: compss-cc: error: no such file: '{{.*}}does-not-exist.cpp' (check the source's path)
