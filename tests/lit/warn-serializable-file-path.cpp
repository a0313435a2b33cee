// A file parameter travels as its path, and the runtime sends a path only as
// a std::string: a path given as const char* or std::filesystem::path keeps
// the task on the master (for now: see docs/pragmas.md).
// RUN: %compss-cc -c %s -o %t.o 2>&1 | %FileCheck %s
#include <compss/detail/remote_invoke.hpp>
#include <filesystem>

#pragma compss task file_in(input)
void load(const std::filesystem::path &input);

#pragma compss task file_out(output)
void save(const char *output);

// The runtime agrees. When it learns to send these, change
// compiler/lib/Serializability.cpp with it.
using compss::detail::ParamKind;
static_assert(!compss::detail::remote_param_ok_v<const std::filesystem::path &, ParamKind::file>);
static_assert(!compss::detail::remote_param_ok_v<const char *, ParamKind::file>);

// CHECK: warn-serializable-file-path.cpp:8:29: warning: task 'load' cannot run on a worker: parameter 'input' of type 'const std::filesystem::path &' is not serializable ('std::filesystem::path' is not one of the standard types an archive handles); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-file-path.cpp:8:29: note: to let the task run on workers, take the path as a std::string
// CHECK: warn-serializable-file-path.cpp:11:30: warning: task 'save' cannot run on a worker: parameter 'output' of type 'const char *' is not serializable (a file path given as a pointer cannot be sent to a worker yet); it will always run on the master [-Wcompss-serializable]
// CHECK: warn-serializable-file-path.cpp:11:30: note: to let the task run on workers, take the path as a std::string
