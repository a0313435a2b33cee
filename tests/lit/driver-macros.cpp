// -D/-U/-I reach the translator's parse as well as the real compiler; __COMPSS__ is
// defined in both.
// RUN: %compss-cc --emit-source -DMAKE_TASK %s | %FileCheck --check-prefix=TASK %s
// RUN: %compss-cc --emit-source %s | %FileCheck --check-prefix=PLAIN %s
// RUN: %compss-cc -fsyntax-only -DMAKE_TASK %s

#ifndef __COMPSS__
#error "__COMPSS__ must be defined"
#endif

#ifdef MAKE_TASK
#pragma compss task
#endif
void work(int &x);

void user(int &x) { work(x); }

// TASK:  {{^}}void user(int &x) { ::compss::detail::call_task<__compss_task_0,
// PLAIN: {{^}}void user(int &x) { work(x); }
