// A directory parameter is a path.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task directory_in(d)
void f(int d);

// CHECK: err-directory-non-path.cpp:4:34: error: 'directory_in' clause on parameter 'd' of type 'int': a directory parameter must be a std::string, const char* or std::filesystem::path, by value or const reference
