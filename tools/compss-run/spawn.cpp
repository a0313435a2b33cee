#include "spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace compss::run {

namespace {

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

/// Owns posix_spawn's attribute objects for one call.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

pid_t spawn_process(const SpawnRequest& r) {
  std::string program = r.program.empty() ? r.argv.at(0) : r.program;
  SpawnSetup s;
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  int pipe_fds[2] = {-1, -1};
  if (r.stdin_data) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
      throw std::runtime_error(program + ": cannot create a pipe: " + std::strerror(errno));
    posix_spawn_file_actions_adddup2(&s.actions, pipe_fds[0], 0);
  } else if (!r.inherit_stdin) {
    posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  for (int fd : r.close_fds) posix_spawn_file_actions_addclose(&s.actions, fd);

  std::vector<char*> argv = c_strings(r.argv);
  std::vector<char*> envp = c_strings(r.env);
  pid_t pid = -1;
  int rc = r.search_path
               ? posix_spawnp(&pid, program.c_str(), &s.actions, &s.attr, argv.data(), envp.data())
               : posix_spawn(&pid, program.c_str(), &s.actions, &s.attr, argv.data(), envp.data());
  if (pipe_fds[0] >= 0) ::close(pipe_fds[0]);
  if (rc != 0) {
    if (pipe_fds[1] >= 0) ::close(pipe_fds[1]);
    throw std::runtime_error(program + ": " + std::strerror(rc));
  }
  if (r.stdin_data) {
    // A few bytes: the pipe buffer takes them at once. EPIPE (the child already exited)
    // is ignored; its exit status tells what happened.
    const std::string& d = *r.stdin_data;
    std::size_t done = 0;
    while (done < d.size()) {
      ssize_t n = ::write(pipe_fds[1], d.data() + done, d.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(pipe_fds[1]);
  }
  return pid;
}

}  // namespace compss::run
