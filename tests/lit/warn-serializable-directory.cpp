// directory_* parameters cannot be sent to a worker yet: the task always runs
// on the master.
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <string>

#pragma compss task directory_in(src)
void pack(const std::string &src);

// The runtime agrees.
static_assert(!compss::detail::remote_param_ok_v<const std::string &,
                                                 compss::detail::ParamKind::directory>);

// CHECK: warn-serializable-directory.cpp:7:34: warning: task 'pack' cannot run on a worker: parameter 'src' of type 'const std::string &' (aka 'const basic_string<char> &') is not serializable (directory parameters cannot be sent to a worker yet); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-directory.cpp:7:34: note: to let the task run on workers, name the files in the directory with file_* clauses instead
