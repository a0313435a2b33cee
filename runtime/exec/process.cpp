#include "exec/process.hpp"

#include <compss/error.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <mutex>
#include <map>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace compss::exec {

namespace {

using Clock = std::chrono::steady_clock;

/// posix_spawn's attributes and file actions, released on every path.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

/// Our environment with `extra` added; an entry of `extra` replaces ours of the same name.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  std::lock_guard lock(environment_mutex());  // (a multinode task may setenv meanwhile)
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& x : extra) {
      if (x.size() > name.size() && x.compare(0, name.size(), name) == 0 && x[name.size()] == '=') {
        replaced = true;
        break;
      }
    }
    if (!replaced) out.emplace_back(entry);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// A file descriptor that becomes readable when `pid` ends (Linux pidfd), or -1.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

/// Waits up to `limit` for `pid` to end; true (and `status` set) when it did.
bool wait_for(pid_t pid, int pidfd, std::chrono::milliseconds limit, int& status) {
  const auto until = Clock::now() + limit;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // (not our child any more: nothing to wait)
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return false;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(2)));
    }
  }
}

/// True while some living process (not a zombie waiting for its parent to reap it) is
/// still in group `pgid`.
bool group_alive(pid_t pgid) {
  if (::kill(-pgid, 0) != 0 && errno == ESRCH) return false;
  return !living_group_members(pgid).empty();
}

/// Ends the group: SIGTERM, SIGKILL after `grace` if the leader is still there, then
/// SIGKILL to whatever is left in the group; reaps the leader.
void kill_group(pid_t pid, int pidfd, std::chrono::milliseconds grace, int& status) {
  ::kill(-pid, SIGTERM);
  if (!wait_for(pid, pidfd, grace, status)) {
    ::kill(-pid, SIGKILL);
    wait_for(pid, pidfd, std::chrono::hours(1), status);
  }
  // Members that ignored SIGTERM or outlived the leader: the group must be empty.
  for (int i = 0; i < 100 && group_alive(pid); ++i) {
    ::kill(-pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

/// The process groups of the programs running now: a process that ends without waiting
/// for its tasks (a timed-out task abandoned) kills them first (kill_external_programs).
/// Each with its owner (GroupOwnerScope) and whether kill_groups_of asked it to stop.
/// Lock order: its mutex is a leaf.
struct RunningGroups {
  struct Group {
    const void* owner = nullptr;
    bool stop = false;
  };
  std::mutex mutex;
  std::map<pid_t, Group> groups;
};

thread_local const void* tls_group_owner = nullptr;
RunningGroups& running_groups() {
  static RunningGroups* r = new RunningGroups;  // (never destroyed: used up to _Exit)
  return *r;
}

/// Registers a running group for its lifetime.
class RunningGroup {
 public:
  explicit RunningGroup(pid_t pgid) : pgid_(pgid) {
    std::lock_guard lock(running_groups().mutex);
    running_groups().groups[pgid_] = {tls_group_owner, false};
  }
  /// kill_groups_of asked this program to stop.
  bool stop_asked() const {
    std::lock_guard lock(running_groups().mutex);
    auto it = running_groups().groups.find(pgid_);
    return it != running_groups().groups.end() && it->second.stop;
  }
  ~RunningGroup() {
    std::lock_guard lock(running_groups().mutex);
    running_groups().groups.erase(pgid_);
  }
  RunningGroup(const RunningGroup&) = delete;
  RunningGroup& operator=(const RunningGroup&) = delete;

 private:
  pid_t pgid_;
};

}  // namespace

std::mutex& environment_mutex() {
  static std::mutex m;
  return m;
}

void kill_running_groups() noexcept {
  RunningGroups& r = running_groups();
  // (try_lock: called on the way out, maybe from a thread that was stopped holding it.)
  std::unique_lock lock(r.mutex, std::try_to_lock);
  for (const auto& [g, group] : r.groups) ::kill(-g, SIGKILL);
}

GroupOwnerScope::GroupOwnerScope(const void* owner) noexcept : previous_(tls_group_owner) {
  tls_group_owner = owner;
}

GroupOwnerScope::~GroupOwnerScope() { tls_group_owner = previous_; }

std::size_t kill_groups_of(const void* owner) noexcept {
  // (Only flagged: the program's run_process sees it within its poll and ends the group as
  // for a cancellation, reaping it.)
  std::lock_guard lock(running_groups().mutex);
  std::size_t stopped = 0;
  for (auto& [g, group] : running_groups().groups) {
    if (group.owner != owner || owner == nullptr) continue;
    group.stop = true;
    ++stopped;
  }
  return stopped;
}

std::vector<int> living_group_members(int pgid) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    int ppid = 0, group = 0;
    rest >> state >> ppid >> group;
    if (group == pgid && state != 'Z' && state != 'X') out.push_back(std::stoi(name));
  }
  return out;
}

ProcessEnd run_process(const ProcessSpec& spec, const std::string& what,
                       Clock::time_point deadline, const std::function<bool()>& should_stop,
                       std::chrono::milliseconds poll, std::chrono::milliseconds grace) {
  SpawnSetup setup;
  // Its own process group (pgid = its pid), no blocked signals, and default handling of
  // the signals a process commonly ignores (an ignored signal stays ignored across exec;
  // caught ones are reset by exec itself; resetting all 64 costs a syscall each).
  posix_spawnattr_setpgroup(&setup.attr, 0);
  sigset_t none, reset;
  sigemptyset(&none);
  sigemptyset(&reset);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&reset, sig);
  }
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &reset);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
  if (!spec.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&setup.actions, spec.working_dir.c_str());
  }
  // (Opened after the chdir: relative stdio paths are relative to the working directory,
  // as the program's own relative paths are.)
  if (!spec.stdin_file.empty()) {
    posix_spawn_file_actions_addopen(&setup.actions, 0, spec.stdin_file.c_str(), O_RDONLY, 0);
  }
  const int out_flags = O_WRONLY | O_CREAT | (spec.stdout_append ? O_APPEND : O_TRUNC);
  if (!spec.stdout_file.empty()) {
    posix_spawn_file_actions_addopen(&setup.actions, 1, spec.stdout_file.c_str(), out_flags, 0666);
  }
  const int err_flags = O_WRONLY | O_CREAT | (spec.stderr_append ? O_APPEND : O_TRUNC);
  if (!spec.stderr_file.empty()) {
    posix_spawn_file_actions_addopen(&setup.actions, 2, spec.stderr_file.c_str(), err_flags, 0666);
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Nothing of ours but the three streams: a worker's sockets left open in a long MPI run
  // would keep its connections alive after the worker is gone.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
#endif
  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = merged_environment(spec.env);
  std::vector<char*> argv_p = pointers(argv);
  std::vector<char*> env_p = pointers(env);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, spec.path.c_str(), &setup.actions, &setup.attr,
                               argv_p.data(), env_p.data());
  if (rc != 0) {
    throw Error("compss: " + what + ": cannot start '" + spec.path + "'" +
                (spec.working_dir.empty() ? "" : " in '" + spec.working_dir + "'") + ": " +
                std::strerror(rc) +
                " (is the program there and executable, and can its standard input/output "
                "files be opened?)");
  }
  const RunningGroup running(pid);
  const int pidfd = open_pidfd(pid);
  ProcessEnd end;
  int status = 0;
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) {
      kill_group(pid, pidfd, grace, status);
      end.how = ProcessEnd::How::timed_out;
      break;
    }
    if ((should_stop && should_stop()) || running.stop_asked()) {
      kill_group(pid, pidfd, grace, status);
      end.how = ProcessEnd::How::stopped;
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (wait_for(pid, pidfd, std::min(poll, left + std::chrono::milliseconds(1)), status)) {
      if (WIFSIGNALED(status)) {
        end.how = ProcessEnd::How::signalled;
        end.code = WTERMSIG(status);
      } else {
        end.code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
      }
      break;
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return end;
}

}  // namespace compss::exec
