// compss-run: starts a compss-cc program as one master and its workers
// (docs/tools.md, "compss-run"; docs/distributed.md).
#include "app_path.hpp"
#include "environment.hpp"
#include "listen_socket.hpp"
#include "options.hpp"
#include "secret.hpp"
#include "spawn.hpp"
#include "supervisor.hpp"
#include "worker_command.hpp"
#include "worker_exits.hpp"
#include "worker_plan.hpp"
#include "worker_restarts.hpp"

#include <signal.h>
#include <unistd.h>

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

/// Starts every worker; one that cannot be started is reported, here and to the master
/// (which goes on without it, or stops with --require-workers). `requests[i]` is how
/// worker i+1 was started (to start it again).
std::vector<WorkerProcess> start_workers(const Options& o, const LaunchPlan& plan,
                                         const std::string& bind, const ListenSocket& sock,
                                         WorkerExitsPipe& exits,
                                         const WorkerRestartSocket& restarts,
                                         const std::string& secret, bool info,
                                         std::vector<SpawnRequest>& requests) {
  std::vector<WorkerProcess> started;
  std::vector<std::string> args(o.command.begin() + 1, o.command.end());
  std::string hostname = this_hostname();
  for (const WorkerSpec& w : plan.workers) {
    std::string master = master_address_for(w, bind, sock.port, hostname);
    SpawnRequest r;
    r.argv = worker_argv(w, worker_variables(o, w, master), args);
    r.search_path = w.via != Via::local;
    r.close_fds = {sock.fd, exits.master_end(), restarts.master_end()};
    if (w.via == Via::ssh) {
      // The secret goes over ssh's stdin, never on a command line; ssh does not need it.
      r.env = apply_changes(environ, {{}, {"COMPSS_SECRET"}});
      r.stdin_data = secret + "\n";
    } else {
      r.env = apply_changes(environ, worker_environment(o, w, master, secret));
    }
    requests.push_back(r);
    requests.back().close_fds.clear();  // (closed here by the time it is started again)
    try {
      pid_t pid = spawn_process(r);
      started.push_back({w.index, w.host, w.name, pid, true});
      if (info)
        std::fprintf(stderr, "compss-run: worker %u (%s, host %s) started, pid %d\n", w.index,
                     w.name.c_str(), w.host.c_str(), static_cast<int>(pid));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "compss-run: cannot start worker %u (%s, host %s): %s\n", w.index,
                   w.name.c_str(), w.host.c_str(), e.what());
      exits.report(w.name);  // the master need not wait for it
    }
  }
  return started;
}

/// The master asked for worker `name` to be restarted (a task timed out in it and did not
/// return): its process is killed and started again as it was (it joins the run anew).
void restart_worker(const std::string& name, std::vector<WorkerProcess>& workers,
                    const std::vector<SpawnRequest>& requests, bool info) {
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (workers[i].name != name || !workers[i].running || workers[i].replaced) continue;
    workers[i].replaced = true;
    ::kill(workers[i].pid, SIGKILL);
    const WorkerProcess old = workers[i];  // (push_back below may move the vector)
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
    return;
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
  pid_t master = -1;
  try {
    master = spawn_process(m);
  } catch (const std::exception& e) {
    throw UsageError(std::string("compss-run: cannot start the master: ") + e.what(), 126);
  }
  if (info) std::fprintf(stderr, "compss-run: master started, pid %d\n", static_cast<int>(master));
  std::vector<SpawnRequest> requests;
  std::vector<WorkerProcess> workers =
      start_workers(o, plan, bind, sock, exits, restarts, secret, info, requests);
  ::close(sock.fd);  // the master holds it now; connections must not queue here
  exits.close_master_end();
  restarts.close_master_end();
  return supervise(
      master, workers, std::chrono::seconds(5), info,
      [&](const WorkerProcess& w) { exits.report(plan.workers.at(w.index - 1).name); },
      [&] {
        for (const std::string& name : restarts.take_requests())
          restart_worker(name, workers, requests, info);
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
