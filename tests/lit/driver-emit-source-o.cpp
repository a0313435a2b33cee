// `--emit-source -o file` writes the translation to the file instead of stdout.
// RUN: rm -f %t.cpp %t.stdout
// RUN: %compss-cc --emit-source %s -o %t.cpp > %t.stdout
// RUN: not test -s %t.stdout
// RUN: %FileCheck %s < %t.cpp
// The translation is self-contained C++20: any compiler builds it with the COMPSs
// headers on the include path.
// RUN: %cxx -std=c++20 -D__COMPSS__ -I %compss-include -fsyntax-only %t.cpp

#pragma compss task
void work(int &x);

void user(int &x) { work(x); }

// CHECK: {{^}}#line 1 "{{.*}}driver-emit-source-o.cpp"
// CHECK: {{^}}void user(int &x) { ::compss::detail::call_task<__compss_task_0,
