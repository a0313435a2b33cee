// A `.c` file: c++ (g++, clang++) compiles it as C++, so compss-cc translates it as C++
// and says so; never compiled untranslated with its tasks dropped. A `#pragma compss` in
// a file compiled as C (`-x c`, or a C compiler as COMPSS_CXX) is an error; a C file
// without one is compiled as C.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cp %s %t/tasks.c
// RUN: %compss-cc -c %t/tasks.c -o %t/tasks.o 2>&1 | %FileCheck %s --check-prefix=NOTE
// RUN: nm -C %t/tasks.o | %FileCheck %s --check-prefix=TRANSLATED
// RUN: not %compss-cc -x c -c %t/tasks.c -o %t/c.o 2>&1 | %FileCheck %s --check-prefix=AS-C
// RUN: not test -e %t/c.o
// RUN: not env COMPSS_CXX=gcc %compss-cc -c %t/tasks.c -o %t/c.o 2>&1 | %FileCheck %s --check-prefix=C-COMPILER
// RUN: printf 'int plain_c(void) { return 1; }\n' > %t/plain.c
// RUN: %compss-cc -x c -c %t/plain.c -o %t/plain.o
// RUN: nm %t/plain.o | %FileCheck %s --check-prefix=PLAIN-C

#pragma compss task
void work(int &x);

int main() {
  int x = 0;
  work(x);
}

// NOTE: compss-cc: note: '{{.*}}tasks.c' is compiled as C++, as c++ does with .c files, and its '#pragma compss' are translated
// TRANSLATED: T __compss_user_main()
// AS-C: compss-cc: error: '{{.*}}tasks.c' has '#pragma compss' but is compiled as C (-x c), which would ignore its tasks: compss-cc translates C++ only; compile it as C++ (-x c++, or a .cpp name)
// C-COMPILER: compss-cc: error: '{{.*}}tasks.c' has '#pragma compss' but is compiled as C (by the C compiler 'gcc')
// PLAIN-C: T plain_c
