// binary and mpi tasks run an external program: no body.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss binary(binary="sort")
#pragma compss task
void b() {}

#pragma compss mpi(runner="mpirun", binary="./sim", processes=4)
#pragma compss task
int m() { return 0; }

// CHECK: err-binary-with-body.cpp:4:16: error: 'b' is a binary task: it runs an external program and must be declared without a body
// CHECK: err-binary-with-body.cpp:8:16: error: 'm' is an MPI task: it runs an external program and must be declared without a body
