// constraint/implement/binary/mpi qualify a task: the function needs #pragma compss task.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss constraint(cores=2)
void f(int &a);

#pragma compss constraint(cores=2)
int x;

// CHECK: err-modifier-without-task.cpp:7:16: error: '#pragma compss constraint' must be followed by a function declaration
// CHECK: err-modifier-without-task.cpp:4:16: error: '#pragma compss constraint' applies to a task, but 'f' has no '#pragma compss task'
