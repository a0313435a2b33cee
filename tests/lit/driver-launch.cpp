// `--launch <c++> <args>` as CMake's compiler launcher: the given compiler compiles
// the translation, and the dependency file names the original source.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %compss-cc --launch %cxx -DFROM_CMAKE -O2 -MD -MT %t/x.o -MF %t/x.o.d -o %t/x.o -c %s
// RUN: test -f %t/x.o
// RUN: %FileCheck --check-prefix=DEP %s < %t/x.o.d
// RUN: nm -C %t/x.o | %FileCheck --check-prefix=SYM %s

#ifdef FROM_CMAKE
#pragma compss task
void work(int &x);

void user(int &x) { work(x); }
#endif

// DEP:      x.o:
// DEP-NEXT: {{^ /.*}}/tests/lit/driver-launch.cpp
// DEP-NOT: compss-driver-launch-
// SYM: compss::detail::TaskNode<__compss_task_0
