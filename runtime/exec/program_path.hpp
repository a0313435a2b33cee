// Where the program of a binary/MPI task is (docs/external_programs.md, "Which program").
#pragma once

#include <string>

namespace compss::exec {

/// The directory of this process's executable: "the application's directory" (on a worker
/// the application is at <AppDir>/<name>, so relative programs resolve there too).
std::string application_dir();

/// Resolves `program` for task `task` (a label such as "binary task 'sort'"): an absolute
/// path as it is; a relative one against `base_dir` (the task's working_dir if it has one,
/// else application_dir()); a bare name not found there through PATH. Throws compss::Error
/// naming the task and the path when it does not exist or is not an executable file.
///
///   std::string p = resolve_program("./sim", "/home/me/app", "MPI task 'simulate'");
std::string resolve_program(const std::string& program, const std::string& base_dir,
                            const std::string& task);

}  // namespace compss::exec
