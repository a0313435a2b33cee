// compss-run: starts a compss-cc program as one master and its workers
// (docs/tools.md, "compss-run"; docs/distributed.md).
#include "app_path.hpp"
#include "environment.hpp"
#include "listen_socket.hpp"
#include "options.hpp"
#include "runtime_check.hpp"
#include "secret.hpp"
#include "spawn.hpp"
#include "supervisor.hpp"
#include "worker_command.hpp"
#include "worker_exits.hpp"
#include "worker_plan.hpp"
#include "worker_restarts.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

extern char** environ;

namespace compss::run {
namespace {

std::string this_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

bool wants_progress(const Options& o) {
  if (o.progress == Progress::automatic) return ::isatty(2) == 1;
  return o.progress == Progress::on;
}

/// What every worker's start needs besides its WorkerSpec.
struct WorkerStart {
  const Options& options;
  const std::string& bind;
  const ListenSocket& sock;
  WorkerExitsPipe& exits;
  const WorkerRestartSocket& restarts;
  const std::string& secret;
  std::string hostname;
  bool info = false;
};

/// Starts worker `w`; one that cannot be started is reported, here and to the master
/// (which goes on without it, or stops with --require-workers). Its SpawnRequest is
/// appended to `requests` (index w.index - 1: to start it again).
void start_worker(const WorkerStart& s, const WorkerSpec& w, std::vector<WorkerProcess>& started,
                  std::vector<SpawnRequest>& requests) {
  std::vector<std::string> args(s.options.command.begin() + 1, s.options.command.end());
  std::string master = master_address_for(w, s.bind, s.sock.port, s.hostname);
  SpawnRequest r;
  r.argv = worker_argv(w, worker_variables(s.options, w, master), args);
  r.search_path = w.via != Via::local;
  r.close_fds = {s.sock.fd, s.exits.master_end(), s.restarts.master_end()};
  if (w.via == Via::ssh) {
    // The secret goes over ssh's stdin, never on a command line; ssh does not need it.
    r.env = apply_changes(environ, {{}, {"COMPSS_SECRET"}});
    r.stdin_data = s.secret + "\n";
  } else {
    r.env = apply_changes(environ, worker_environment(s.options, w, master, s.secret));
  }
  r.close_fds.erase(std::remove(r.close_fds.begin(), r.close_fds.end(), -1), r.close_fds.end());
  requests.push_back(r);
  requests.back().close_fds.clear();  // (closed here by the time it is started again)
  try {
    pid_t pid = spawn_process(r);
    started.push_back({w.index, w.host, w.name, pid, true});
    if (s.info)
      std::fprintf(stderr, "compss-run: worker %u (%s, host %s) started, pid %d\n", w.index,
                   w.name.c_str(), w.host.c_str(), static_cast<int>(pid));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "compss-run: cannot start worker %u (%s, host %s): %s\n", w.index,
                 w.name.c_str(), w.host.c_str(), e.what());
    s.exits.report(w.name);  // the master need not wait for it
  }
}

/// The program asked for a new worker named `name` (request_resources): started as the
/// run's local workers are, as worker requests.size() + 1. Only a --workers N run can grow:
/// with --hosts, the XML files or Slurm every listed host runs a worker already (even when
/// they all name this machine: `--hosts localhost,localhost`), and compss-run says so instead.
void add_worker(const WorkerStart& s, const LaunchPlan& plan, const std::string& name,
                std::vector<WorkerProcess>& workers, std::vector<SpawnRequest>& requests) {
  // (By the option, not plan.all_local(): listed hosts that are this machine are local too.)
  if (plan.workers.empty() || !s.options.workers.has_value()) {
    std::fprintf(stderr, "compss-run: WARNING: request_resources: no worker added: %s\n",
                 plan.workers.empty()
                     ? "this run has no worker to model one on (compss-run --workers N, N >= 1, "
                       "starts a run that can grow)"
                     : "this run's workers are listed hosts (--hosts, the XML files or Slurm), "
                       "each of which runs a worker already, and compss-run starts new workers "
                       "only for runs started with --workers N");
    return;
  }
  WorkerSpec w = plan.workers.front();
  w.index = static_cast<unsigned>(requests.size()) + 1;
  w.name = name;
  std::fprintf(stderr, "compss-run: starting worker %u (%s) at the program's request "
               "(request_resources)\n", w.index, w.name.c_str());
  start_worker(s, w, workers, requests);
}

/// The master asked for worker `name` to be restarted (a task timed out in it and did not
/// return): its process is killed and started again as it was (it joins the run anew).
/// The master asks before it cuts the worker off, but the worker may see the cut, exit and
/// be reaped before the request is read: a process that has exited is started again too.
void restart_worker(const std::string& name, std::vector<WorkerProcess>& workers,
                    const std::vector<SpawnRequest>& requests, bool info) {
  WorkerProcess* current = current_process(workers, name);
  if (current == nullptr) return;
  current->replaced = true;
  if (current->running) ::kill(current->pid, SIGKILL);
  const WorkerProcess old = *current;  // (push_back below may move the vector)
  std::fprintf(stderr, "compss-run: worker %u (%s, host %s) restarted at the master's request "
               "(a task timed out in it and did not return)\n", old.index, old.name.c_str(),
               old.host.c_str());
  try {
    pid_t pid = spawn_process(requests.at(old.index - 1));
    workers.push_back({old.index, old.host, old.name, pid, true});
    if (info)
      std::fprintf(stderr, "compss-run: worker %u (%s, host %s) started, pid %d\n", old.index,
                   old.name.c_str(), old.host.c_str(), static_cast<int>(pid));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "compss-run: cannot start worker %u (%s, host %s) again: %s\n",
                 old.index, old.name.c_str(), old.host.c_str(), e.what());
  }
}

int run(int argc, char** argv) {
  Options o = parse_options(std::vector<std::string>(argv + 1, argv + argc), process_env);
  if (o.help) {
    std::fputs(help_text().c_str(), stdout);
    return 0;
  }
  if (o.version) {
    std::printf("compss-run (COMPSs-CXX) %s\n", COMPSS_RUN_VERSION);
    return 0;
  }
  std::string app = resolve_app(o.command[0], process_env("PATH").value_or("/usr/bin:/bin"));
  LaunchPlan plan = plan_workers(o, app, process_env);
  std::string why_all;
  std::string bind = effective_bind(o, plan, local_address_towards, &why_all);
  // (A chosen loopback address is right: the workers' hosts are this one.)
  if (!o.bind.empty()) check_bind_reachable(bind, plan);
  bool info = o.log_level == "info" || o.log_level == "debug";
  if (info && !why_all.empty())
    std::fprintf(stderr, "compss-run: listening on every interface (0.0.0.0): %s; --bind ADDR "
                 "chooses one\n", why_all.c_str());
  std::string secret = make_secret();

  block_supervised_signals();
  ListenSocket sock = open_listen_socket(bind, effective_port(o, plan));
  WorkerExitsPipe exits;
  WorkerRestartSocket restarts;  // (after the signals are blocked: it raises SIGIO)
  if (info) std::fprintf(stderr, "compss-run: master listening on %s:%u\n", bind.c_str(), sock.port);

  SpawnRequest m;
  m.argv = o.command;
  m.program = app;
  EnvChanges master_env = master_environment(o, plan, secret, sock.fd, exits.master_end(),
                                             wants_progress(o));
  master_env.set.emplace_back("COMPSS_WORKER_RESTART_FD", std::to_string(restarts.master_end()));
  m.env = apply_changes(environ, master_env);
  m.inherit_stdin = true;
  // Every process's variables read as the runtime will, before any starts (exit 2).
  const std::string hostname = this_hostname();
  check_environment(m.env, "the master");
  for (const WorkerSpec& w : plan.workers) {
    check_environment(apply_changes(environ, worker_environment(o, w, master_address_for(w, bind, sock.port, hostname), secret)),
                      "worker " + std::to_string(w.index) + " (" + w.name + ")");
  }
  pid_t master = -1;
  try {
    master = spawn_process(m);
  } catch (const std::exception& e) {
    throw UsageError(std::string("compss-run: cannot start the master: ") + e.what(), 126);
  }
  if (info) std::fprintf(stderr, "compss-run: master started, pid %d\n", static_cast<int>(master));
  std::vector<SpawnRequest> requests;
  std::vector<WorkerProcess> workers;
  WorkerStart start{o, bind, sock, exits, restarts, secret, hostname, info};
  for (const WorkerSpec& w : plan.workers) start_worker(start, w, workers, requests);
  ::close(sock.fd);  // the master holds it now; connections must not queue here
  exits.close_master_end();
  restarts.close_master_end();
  // (Workers started later, at the master's request, close none of those: all closed.)
  const ListenSocket closed_sock{-1, sock.port};
  WorkerStart later{o, bind, closed_sock, exits, restarts, secret, start.hostname, info};
  return supervise(
      master, workers, std::chrono::seconds(5), info,
      [&](const WorkerProcess& w) { exits.report(w.name); },
      [&] {
        for (const std::string& name : restarts.take_requests())
          restart_worker(name, workers, requests, info);
        for (const std::string& name : restarts.take_additions())
          add_worker(later, plan, name, workers, requests);
      });
}

}  // namespace
}  // namespace compss::run

int main(int argc, char** argv) {
  try {
    return compss::run::run(argc, argv);
  } catch (const compss::run::UsageError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return e.exit_code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
