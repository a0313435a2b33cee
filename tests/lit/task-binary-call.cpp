// A call of a binary task becomes call_task with a null pointer of the
// function's type (the function has no body; the runtime runs the program).
// RUN: %compss-cc --emit-source %s | %FileCheck %s
#include <string>

#pragma compss binary(binary="sort", args="{{in}}")
#pragma compss task file_in(in)
int sort_file(const std::string &in);

int user() { return sort_file("a.txt"); }

// CHECK: return ::compss::detail::call_task<__compss_task_0, static_cast<int (*)(const std::string &)>(nullptr)>("a.txt");
