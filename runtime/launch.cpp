// The top of the runtime: reads this process's configuration and starts what it asks
// for. A worker (COMPSS_WORKER set) serves tasks from its master instead of running main;
// otherwise the Runtime is built with its Backend: the master of a master-worker run
// (net::Cluster, when COMPSS_LISTEN/COMPSS_LISTEN_FD are set) or this process's cores
// alone (LocalBackend); the observers of observe/ the configuration asks for. The only file that sees both core/ and net/ (docs/architecture.md,
// "The runtime: Backend and layers").
#include "core/runtime.hpp"
#include "local/backend.hpp"
#include "local/make_runtime.hpp"
#include "net/cluster.hpp"
#include "net/cluster_config.hpp"
#include "net/worker.hpp"
#include "observe/observers.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/config.hpp>
#include <compss/detail/runtime_api.hpp>
#include <compss/error.hpp>

#include <cstdio>
#include <exception>
#include <memory>
#include <string>

namespace compss::rt {

std::unique_ptr<Runtime> launch_runtime() {
  // Every setting, read and checked once (a bad value stops the start with its message).
  const config::RunConfig& settings = config::load_run_config();
  const unsigned threads = settings.threads;
  net::ClusterConfig config = settings.master;
  const bool progress = config.progress;
  // (Before the workers start: a bad trace folder stops the run.)
  const observe::ObserveSettings watch = observe::observe_settings(settings.observe);
  config.worker_events = watch.trace.has_value();  // workers send their own events
  // Made first: a monitor port that cannot be had stops the start before workers connect.
  const observe::ObserverSet observers = observe::make_observers(watch);
  auto runtime = make_runtime(
      threads, progress, [&config](Runtime& runtime, LocalExecutor& executor) -> std::unique_ptr<Backend> {
        if (config.distributed) return std::make_unique<net::Cluster>(runtime, executor, std::move(config));
        return std::make_unique<LocalBackend>(executor);
      });
  // Trace, task graph, summary, monitor: observers of the master's task events.
  if (observers.monitor) {
    observers.monitor->set_nodes([r = runtime.get()] {
      std::vector<observe::MonitorNode> nodes;
      for (const Backend::NodeSlotsView& n : r->backend().node_slots()) {
        nodes.push_back({n.id, n.name, n.slots, n.alive, n.running_known ? static_cast<long>(n.running) : -1});
        nodes.back().resources = {n.cores, n.running_known ? static_cast<long>(n.cores_used) : -1, n.gpus,
                                  n.gpus_used, n.memory_mb, n.memory_used_mb};
      }
      if (nodes.empty()) nodes.push_back({0, "localhost", r->threads(), true, -1});  // (local run)
      return nodes;
    });
  }
  // (A local run moves no data: the summary keeps no version makers for transfers.)
  if (observers.summary && runtime->all_local()) observers.summary->without_transfers();
  if (watch.any()) observe::install_observers(runtime->events(), observers, watch, [] { return log_dir(); });
  return runtime;
}

}  // namespace compss::rt

namespace compss::detail {

namespace {
void print_error(const char* what) {
  std::string msg = what;
  if (msg.rfind("compss: ", 0) != 0) msg = "compss: " + msg;
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::fflush(stderr);
}
}  // namespace

int run_main_impl(int argc, char** argv, int (*main_args)(int, char**), int (*main_noargs)()) {
  // Worker mode (COMPSS_WORKER set): serve tasks from the master instead of running main.
  try {
    const config::RunConfig& settings = config::load_run_config();
    if (settings.worker) return net::worker_main(*settings.worker);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
  try {
    start_runtime();
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
  int rc = 0;
  bool failed = false;
  try {
    rc = main_args != nullptr ? main_args(argc, argv) : main_noargs();
    barrier(true);
  } catch (const Error& e) {
    print_error(e.what());
    failed = true;
  } catch (const std::exception& e) {
    print_error((std::string("uncaught exception in main: ") + e.what()).c_str());
    failed = true;
  } catch (...) {
    print_error("uncaught exception in main");
    failed = true;
  }
  if (failed) {
    // Tasks that have not started may refer to objects main no longer owns: skip them.
    if (rt::Runtime* r = rt::current_runtime()) r->cancel("main ended with an error");
  }
  // Timed-out tasks whose threads still run cannot be joined: exit without them.
  if (rt::Runtime* r = rt::current_runtime()) r->exit_if_abandoned(failed ? 1 : rc);
  shutdown_runtime();
  return failed ? 1 : rc;
}

}  // namespace compss::detail
