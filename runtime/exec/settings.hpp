// The settings of a binary or MPI task: its `binary(...)` / `mpi(...)` pragma's key=value
// pairs (TaskSpec::launch), read once per call. docs/external_programs.md lists the keys.
#pragma once

#include <compss/detail/task_spec.hpp>

#include <string>

namespace compss::exec {

/// What a binary/MPI task runs; strings still hold their `{{p}}` placeholders.
///
///   ProgramSettings s = read_settings(spec);   // throws compss::Error on a bad value
struct ProgramSettings {
  bool mpi = false;
  std::string binary;
  std::string args;
  bool has_args = false;  ///< without `args`, every parameter is an argument, in order
  std::string working_dir;
  std::string stdin_file, stdout_file, stderr_file;  ///< `stdin="{{p}}"`...; empty: inherited
  bool fail_by_exit_value = false;
  // mpi only
  std::string runner;
  std::string flags;
  long processes = 1;
  long processes_per_node = 0;  ///< 0: not given (every process on the first node)
  bool scale_by_cu = false;
};

/// Reads the settings of `spec` (kind binary or mpi). Throws compss::Error naming the task
/// and the key on a value that is not what the key takes (compss-cc checks them already;
/// this guards hand-written specs).
ProgramSettings read_settings(const detail::TaskSpec& spec);

}  // namespace compss::exec
