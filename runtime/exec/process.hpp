// One external program run as a child process in a process group of its own, so that a
// time-out or a cancellation ends it with everything it started (docs/external_programs.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace compss::exec {

/// How to start the program: an argv (argv[0] the resolved path), never a shell.
struct ProcessSpec {
  std::string path;                ///< what is executed (absolute or relative to the cwd)
  std::vector<std::string> argv;   ///< argv[0] included
  std::string working_dir;         ///< empty: this process's
  std::vector<std::string> env;    ///< "NAME=value" added to (or replacing in) ours
  std::string stdin_file;          ///< empty: inherited
  std::string stdout_file;
  bool stdout_append = false;
  std::string stderr_file;
  bool stderr_append = false;
};

/// How it ended.
struct ProcessEnd {
  enum class How { exited, signalled, timed_out, stopped };
  How how = How::exited;
  int code = 0;  ///< exit code, or the signal that ended it
};

/// Starts the program in a new process group, waits for it, and kills the whole group
/// (SIGTERM, then SIGKILL after `grace`) when `deadline` passes or `should_stop()` becomes
/// true (polled every `poll` while it runs). After a kill every process still in the group
/// is sent SIGKILL, so none outlives the call unless it left the group itself.
/// Throws compss::Error (with the system's reason) when it cannot start; `what` names the
/// task in that message.
///
///   ProcessEnd e = run_process(spec, "task 'sort'", deadline, [] { return false; });
ProcessEnd run_process(const ProcessSpec& spec, const std::string& what,
                       std::chrono::steady_clock::time_point deadline,
                       const std::function<bool()>& should_stop,
                       std::chrono::milliseconds poll = std::chrono::milliseconds(50),
                       std::chrono::milliseconds grace = std::chrono::milliseconds(1000));

/// Guards this process's environment between exec/'s writers (the multinode variables)
/// and its readers (a program's environment built from it): setenv may move `environ`
/// while another thread walks it. A leaf lock.
std::mutex& environment_mutex();

/// Sends SIGKILL to the group of every program running now (this process is about to end
/// without waiting for the tasks running them). Never blocks.
void kill_running_groups() noexcept;

/// While it lives, the programs run_process starts on this thread belong to `owner` (a
/// task: kill_groups_of ends them). Scopes nest; the innermost owner counts.
///
///   { GroupOwnerScope owner(task); run the task }   // elsewhere: kill_groups_of(task)
class GroupOwnerScope {
 public:
  explicit GroupOwnerScope(const void* owner) noexcept;
  ~GroupOwnerScope();
  GroupOwnerScope(const GroupOwnerScope&) = delete;
  GroupOwnerScope& operator=(const GroupOwnerScope&) = delete;

 private:
  const void* previous_;
};

/// Stops the programs `owner` runs now (from any thread): their run_process kills their
/// group as for should_stop (SIGTERM, SIGKILL after the grace) and returns
/// ProcessEnd::How::stopped. Never blocks. Returns how many programs it stopped.
std::size_t kill_groups_of(const void* owner) noexcept;

/// The processes of group `pgid` that still run (zombies left out: they have ended).
/// Reads /proc.
std::vector<int> living_group_members(int pgid);

}  // namespace compss::exec
