// The versions of a task are declared before its calls (the call names them).
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task
void scale(double &x);

void user(double &d) { scale(d); }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(scale)
void scale_gpu(double &x);

// CHECK: err-implement-after-call.cpp:7:24: error: call of task 'scale' before its version 'scale_gpu' is declared: declare every version of a task (its '#pragma compss implement') before the task's calls
// CHECK: err-implement-after-call.cpp:11:6: note: version 'scale_gpu' declared here
