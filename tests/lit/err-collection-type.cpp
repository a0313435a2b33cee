// A collection must be a std::vector by reference, or a std::span.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s
#include <vector>

#pragma compss task collection_in(v)
void f(std::vector<int> v);
#pragma compss task collection_inout(p)
void g(int *p);
#pragma compss task collection_out(v)
void h(const std::vector<int> &v);

// CHECK: err-collection-type.cpp:5:35: error: 'collection_in' clause on parameter 'v' of type 'std::vector<int>': a collection must be a std::vector passed by reference, or a std::span
// CHECK: err-collection-type.cpp:7:38: error: 'collection_inout' clause on parameter 'p' of type 'int *': a collection must be a std::vector passed by reference, or a std::span
// CHECK: err-collection-type.cpp:9:36: error: 'collection_out' clause on parameter 'v' of type 'const std::vector<int> &', which refers to const data: the task cannot write to it
