// `-x c++` applies to every input after it, until `-x none`, as in g++. g++ 12 compiles an
// object file or archive given after `-x c++` as C++ and fails; compss-cc fails too, but
// with one clear message instead of the object's bytes as C++ errors. After `-x none`
// the same line links. The joined form `-xc++` works the same way.
// REQUIRES: compss-runtime
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf 'long ref_value() { return 42; }\n' > %t/ref.cpp
// RUN: %cxx -c %t/ref.cpp -o %t/ref.o
// RUN: ar rcs %t/libref.a %t/ref.o
// RUN: not %compss-cc -x c++ %s %t/ref.o -o %t/app 2>&1 | %FileCheck %s --check-prefix=OBJECT --implicit-check-not=UTF-8 --implicit-check-not=expected
// RUN: not %compss-cc -xc++ %s %t/libref.a -o %t/app 2>&1 | %FileCheck %s --check-prefix=ARCHIVE --implicit-check-not=UTF-8
// RUN: %compss-cc -x c++ %s -x none %t/ref.o -o %t/app
// RUN: %t/app | %FileCheck %s --check-prefix=OUTPUT
// RUN: %compss-cc -xc++ %s -xnone %t/libref.a -o %t/app2
// RUN: %t/app2 | %FileCheck %s --check-prefix=OUTPUT
// With -c each input is compiled with its own language: the C file as C, this file
// translated.
// RUN: printf 'int plain_c(void) { return 1; }\n' > %t/plain.c
// RUN: cd %t && %compss-cc -c -x c %t/plain.c -x c++ %s
// RUN: nm %t/plain.o | %FileCheck %s --check-prefix=PLAIN-C
// RUN: nm -C %t/driver-x-object.o | %FileCheck %s --check-prefix=TRANSLATED
#include <cstdio>

long ref_value();

#pragma compss task
void add(long &x, long v) { x += v; }

int main() {
  long x = 0;
  add(x, ref_value());
  std::printf("x = %ld\n", x);
}

// OBJECT: compss-cc: error: '{{.*}}ref.o' is an object file, but the '-x c++' before it makes it a C++ source (g++ would compile it as C++ as well, and fail); put '-x none' before it to link it
// ARCHIVE: compss-cc: error: '{{.*}}libref.a' is an archive, but the '-x c++' before it makes it a C++ source
// OUTPUT: x = 42
// PLAIN-C: T plain_c
// TRANSLATED: T __compss_user_main()
