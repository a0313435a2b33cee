#include "supervisor.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>

namespace compss::run {

namespace {

sigset_t supervised_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGIO}) sigaddset(&set, sig);
  return set;
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT (interrupt)";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

void signal_workers(std::vector<WorkerProcess>& workers, int sig) {
  for (WorkerProcess& w : workers)
    if (w.running) ::kill(w.pid, sig);
}

}  // namespace

WorkerProcess* current_process(std::vector<WorkerProcess>& workers, const std::string& name) {
  for (auto it = workers.rbegin(); it != workers.rend(); ++it)
    if (it->name == name && !it->replaced) return &*it;
  return nullptr;
}

void block_supervised_signals() {
  sigset_t set = supervised_signals();
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int supervise(pid_t master, std::vector<WorkerProcess>& workers, std::chrono::milliseconds grace,
              bool log_info, const std::function<void(const WorkerProcess&)>& on_early_exit,
              const std::function<void()>& while_master_runs) {
  using Clock = std::chrono::steady_clock;
  const sigset_t set = supervised_signals();
  std::optional<int> master_status;
  int forwarded = 0;
  Clock::time_point next_step{};
  int stopping = 0;  // 0: waiting for the workers, 1: SIGTERM sent, 2: SIGKILL sent
  auto running_workers = [&] {
    int n = 0;
    for (const WorkerProcess& w : workers) n += w.running ? 1 : 0;
    return n;
  };
  for (;;) {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == master) {
        master_status = status;
        next_step = Clock::now() + grace;
        continue;
      }
      for (WorkerProcess& w : workers) {
        if (w.pid != pid || !w.running) continue;
        w.running = false;
        if (w.replaced) {
          if (log_info)
            std::fprintf(stderr, "compss-run: worker %u (%s, host %s) %s (replaced)\n", w.index,
                         w.name.c_str(), w.host.c_str(), describe(status).c_str());
          continue;
        }
        bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        // (After a signal passed on to the master, workers ending is what was asked.)
        if ((failed && !master_status && forwarded == 0) || log_info)
          std::fprintf(stderr, "compss-run: worker %u (%s, host %s) %s\n", w.index, w.name.c_str(),
                       w.host.c_str(),
                       describe(status).c_str());
        if (!master_status && on_early_exit) on_early_exit(w);
      }
    }
    if (master_status && running_workers() == 0) break;
    if (!master_status && while_master_runs) while_master_runs();
    if (master_status && Clock::now() >= next_step) {
      if (stopping == 0 && log_info)
        std::fprintf(stderr, "compss-run: stopping %d worker(s) still running after the master\n",
                     running_workers());
      if (stopping < 2) signal_workers(workers, stopping == 0 ? SIGTERM : SIGKILL);
      ++stopping;
      next_step = Clock::now() + std::chrono::seconds(1);
    }
    // Wake up at least once a second: a missed SIGCHLD cannot stall the loop.
    auto wait = std::chrono::milliseconds(1000);
    if (master_status) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_step - Clock::now());
      wait = std::max(std::chrono::milliseconds(1), std::min(wait, left));
    }
    timespec ts{static_cast<time_t>(wait.count() / 1000),
                static_cast<long>((wait.count() % 1000) * 1000000)};
    int sig = ::sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
      if (!master_status) {
        if (forwarded == 0)
          std::fprintf(stderr, "compss-run: %s received: passed on to the master; the workers "
                       "end with it\n", signal_name(sig));
        ::kill(master, sig);
        forwarded = sig;
      } else {
        signal_workers(workers, SIGTERM);
      }
    }
  }
  int s = *master_status;
  if (WIFSIGNALED(s)) {
    if (WTERMSIG(s) != forwarded)
      std::fprintf(stderr, "compss-run: the master was killed by signal %d\n", WTERMSIG(s));
    return 128 + WTERMSIG(s);
  }
  return WEXITSTATUS(s);
}

}  // namespace compss::run
