// -fopenmp reaches the translator's parse too: _OPENMP is defined and <omp.h> is
// found (from Clang's resource directory), as in the real compilation.
// RUN: %compss-cc --emit-source -fopenmp %s | %FileCheck %s
// RUN: %compss-cc -fopenmp -fsyntax-only %s
#include <omp.h>
#ifndef _OPENMP
#error "_OPENMP must be defined with -fopenmp"
#endif

#pragma compss task
void work(int &x);

void user(int *v, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i)
    work(v[i]);
}

// CHECK: {{^}}    ::compss::detail::call_task<__compss_task_0, static_cast<void (*)(int &)>(&::work)>(v[i]);
