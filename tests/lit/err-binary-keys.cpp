// binary(...) and mpi(...) settings: known keys, typed values, required keys.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss binary(binary="sort", speed=3)
#pragma compss task
void a();
#pragma compss mpi(runner="mpirun", binary="./sim", processes="4")
#pragma compss task
void b();
#pragma compss mpi(binary="./sim")
#pragma compss task
void c();
#pragma compss binary(binary="sort", fail_by_exit_value=1)
#pragma compss task
void d();

// CHECK: err-binary-keys.cpp:4:38: error: unknown key 'speed' in 'binary(...)'
// CHECK: err-binary-keys.cpp:7:63: error: 'processes' takes a number, not '"4"'
// CHECK: err-binary-keys.cpp:13:57: error: 'fail_by_exit_value' takes true or false, not '1'
// CHECK: err-binary-keys.cpp:10:16: error: '#pragma compss mpi' needs 'runner=...'
