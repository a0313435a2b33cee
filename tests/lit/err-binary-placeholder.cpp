// binary(...)/mpi(...): {{p}} must name a parameter; stdin/stdout/stderr a
// file parameter of the right direction; a free function returning void or an
// integer.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s
#include <string>

#pragma compss binary(binary="sort", args="-o {{out}} {{inp}}")
#pragma compss task file_in(in)
int a(const std::string &in);

#pragma compss mpi(runner="mpirun", binary="{{prog", processes=2)
#pragma compss task
void b(const std::string &prog);

#pragma compss binary(binary="cat", stdout="{{in}}", stdin="{{n}}")
#pragma compss task file_in(in)
void c(const std::string &in, int n);

#pragma compss binary(binary="cat")
#pragma compss task
double d();

struct S {
#pragma compss binary(binary="cat")
#pragma compss task
  void e();
};

// CHECK: err-binary-placeholder.cpp:7:47: error: '{{[{][{]}}out}}' names no parameter of 'a'
// CHECK: err-binary-placeholder.cpp:7:55: error: '{{[{][{]}}inp}}' names no parameter of 'a'
// CHECK: err-binary-placeholder.cpp:11:45: error: '{{[{][{]}}' without '}}' in 'binary=...'
// CHECK: err-binary-placeholder.cpp:15:44: error: 'stdout=' must be "{{[{][{]}}p}}" where p is a file_out or file_inout parameter
// CHECK: err-binary-placeholder.cpp:15:60: error: 'stdin=' must be "{{[{][{]}}p}}" where p is a file_in parameter
// CHECK: err-binary-placeholder.cpp:21:1: error: 'd' is a binary task: it returns void or an integer (the program's exit code), not 'double'
// CHECK: err-binary-placeholder.cpp:24:16: error: 'S::e' is a member function: a binary or MPI task must be a free function
