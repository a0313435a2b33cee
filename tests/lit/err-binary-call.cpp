// A call to a binary/mpi task is rejected for now (no runtime launcher yet).
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s
#include <string>

#pragma compss binary(binary="sort", args="{{in}}")
#pragma compss task file_in(in)
int sort_file(const std::string &in);

int user() { return sort_file("a.txt"); }

// CHECK: err-binary-call.cpp:9:21: error: calling a binary/mpi task is not supported yet ('sort_file' is a binary task)
