// file_* clauses need a path type by value or const reference.
// RUN: rm -f %t.o
// RUN: not %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
// RUN: not test -e %t.o
#include <string>

#pragma compss task file_in(fd) file_out(name)
void f(int fd, std::string &name);

// CHECK: err-file-non-path.cpp:7:29: error: 'file_in' clause on parameter 'fd' of type 'int': a file parameter must be a std::string, const char* or std::filesystem::path, by value or const reference
// CHECK: err-file-non-path.cpp:7:42: error: 'file_out' clause on parameter 'name' of type 'std::string &'
