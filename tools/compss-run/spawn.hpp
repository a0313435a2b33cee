// Starting a child process with posix_spawn: its environment, its stdin, and the
// descriptors it must not inherit.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace compss::run {

/// What to start. The child gets default handlers and an empty signal mask (compss-run
/// blocks the signals it waits for).
///
///   SpawnRequest r{{"ssh", "-T", "n1", "cmd"}, env, true, {listen_fd}, secret + "\n"};
struct SpawnRequest {
  std::vector<std::string> argv;  ///< argv[0] is the program (or the path, see `program`)
  std::vector<std::string> env;   ///< "NAME=value" entries
  bool search_path = false;       ///< look argv[0] up in PATH (ssh, srun)
  std::vector<int> close_fds;     ///< descriptors the child must not inherit
  std::optional<std::string> stdin_data;  ///< written to the child's stdin, then EOF;
                                          ///< unset = stdin from /dev/null
  bool inherit_stdin = false;             ///< keep compss-run's stdin (the master)
  std::string program;                    ///< path to execute when not argv[0]
};

/// Starts the process and returns its pid. Throws std::runtime_error naming the program
/// and the reason (e.g. "ssh: No such file or directory").
///
///   pid_t pid = spawn_process(request);
pid_t spawn_process(const SpawnRequest& request);

}  // namespace compss::run
