#include "worker_plan.hpp"

#include "slurm.hpp"

#include "config/xml_nodes.hpp"

#include <compss/detail/config.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <set>

namespace compss::run {

bool is_local_host(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "::1";
}

bool LaunchPlan::all_local() const {
  return std::all_of(workers.begin(), workers.end(),
                     [](const WorkerSpec& w) { return w.via == Via::local; });
}

namespace {

std::string basename_of(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The application's path on a node whose project.xml Application/AppDir is `app_dir`
/// (COMPSs' InstallDir is the COMPSs installation: not where the application is).
std::string app_on_node(const std::string& app_dir, const std::string& app) {
  if (app_dir.empty()) return app;
  std::string dir = app_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/" + basename_of(app);
}

/// The XML nodes (config::load_nodes, the reader the master uses too), errors as UsageError.
std::vector<config::NodeConfig> load_xml(const Options& o) {
  try {
    return config::load_nodes(o.resources, o.project);
  } catch (const compss::Error& e) {
    std::string what = e.what();
    if (what.rfind("compss: ", 0) == 0) what = what.substr(8);
    throw UsageError("compss-run: " + what);
  }
}

void plan_from_xml(const Options& o, const std::string& app, LaunchPlan& plan) {
  for (const config::NodeConfig& n : load_xml(o)) {
    WorkerSpec w;
    w.index = static_cast<unsigned>(plan.workers.size()) + 1;
    w.host = config::node_host(n);
    w.name = w.host;
    w.user = n.project.user;
    w.via = is_local_host(w.host) && w.user.empty() ? Via::local : Via::ssh;
    // ComputingUnits and LimitOfTasks both bound the slots: the smaller wins.
    if (!o.resources.empty()) w.cores = n.resources.cores();
    if (n.resources.described.memory_gb > 0) w.memory_gb = n.resources.described.memory_gb;
    if (unsigned g = n.resources.described.units(sched::ProcessorType::gpu); g > 0) w.gpus = g;
    if (n.project.limit_of_tasks)
      w.cores = w.cores ? std::min(*w.cores, *n.project.limit_of_tasks) : *n.project.limit_of_tasks;
    w.working_dir = n.project.working_dir;
    w.app = app_on_node(n.project.app_dir, app);
    if (!plan.xml_port && n.resources.min_port) plan.xml_port = n.resources.min_port;
    plan.workers.push_back(w);
  }
}

void plan_from_hosts(const Options& o, const std::string& app, LaunchPlan& plan) {
  for (const std::string& entry : o.hosts) {
    WorkerSpec w;
    w.index = static_cast<unsigned>(plan.workers.size()) + 1;
    std::size_t at = entry.find('@');
    w.user = at == std::string::npos ? "" : entry.substr(0, at);
    w.host = at == std::string::npos ? entry : entry.substr(at + 1);
    w.name = w.host;
    w.via = is_local_host(w.host) && w.user.empty() ? Via::local : Via::ssh;
    w.app = app;
    plan.workers.push_back(w);
  }
}

void plan_from_slurm(const EnvLookup& env, const std::string& app, LaunchPlan& plan) {
  auto list = env("SLURM_JOB_NODELIST");
  if (!list) list = env("SLURM_NODELIST");
  if (!list)
    throw UsageError(
        "compss-run: SLURM_JOB_ID is set but SLURM_JOB_NODELIST is not: give --workers, "
        "--hosts or --resources");
  for (const std::string& host : expand_slurm_hostlist(*list)) {
    WorkerSpec w;
    w.index = static_cast<unsigned>(plan.workers.size()) + 1;
    w.host = host;
    w.name = host;
    w.via = Via::srun;
    w.app = app;
    plan.workers.push_back(w);
  }
  plan.slurm = true;
}

/// Gives every worker its own name (COMPSS_WORKER_NAME): the master tells workers apart
/// by name in its messages, in compss-run's reports of workers that ended, and to find a
/// worker's resources.xml node (config::DeclaredNodes). A repeated host ("--hosts n1,n1",
/// two XML nodes of one name) becomes "n1-2" for worker 2.
void make_names_unique(LaunchPlan& plan) {
  std::vector<std::string> hosts;
  for (const WorkerSpec& w : plan.workers) hosts.push_back(w.name);
  const std::vector<std::string> names = config::unique_worker_names(hosts);
  for (std::size_t i = 0; i < names.size(); ++i) plan.workers[i].name = names[i];
}

/// The runtime's limits, checked here once so that no worker is started with a value it
/// would refuse (the options' own values are checked when they are parsed).
void check_limits(const Options& o, const LaunchPlan& plan) {
  const char* source = !o.hosts.empty() ? "--hosts"
                       : plan.slurm    ? "the Slurm allocation"
                                       : "the XML files";
  if (plan.workers.size() > detail::max_workers)
    throw UsageError("compss-run: " + std::string(source) + " give " +
                     std::to_string(plan.workers.size()) + " workers; a run has at most " +
                     std::to_string(detail::max_workers));
  for (const WorkerSpec& w : plan.workers)
    if (w.cores && *w.cores > detail::max_worker_cores)
      throw UsageError("compss-run: ComputeNode '" + w.host + "' has " + std::to_string(*w.cores) +
                       " task slots (ComputingUnits summed over its processors, or "
                       "LimitOfTasks); a worker has at most " +
                       std::to_string(detail::max_worker_cores) +
                       " (give --worker-cores or a smaller LimitOfTasks)");
}

}  // namespace

LaunchPlan plan_workers(const Options& o, const std::string& app, const EnvLookup& env) {
  LaunchPlan plan;
  if (o.workers) {
    for (unsigned i = 1; i <= *o.workers; ++i) {
      WorkerSpec w;
      w.index = i;
      w.name = "localhost-" + std::to_string(i);
      w.app = app;
      plan.workers.push_back(w);
    }
  } else if (!o.hosts.empty()) {
    plan_from_hosts(o, app, plan);
  } else if (!o.resources.empty() || !o.project.empty()) {
    plan_from_xml(o, app, plan);
  } else if (env("SLURM_JOB_ID")) {
    plan_from_slurm(env, app, plan);
  }
  if (o.worker_cores)
    for (WorkerSpec& w : plan.workers) w.cores = o.worker_cores;
  check_limits(o, plan);
  make_names_unique(plan);
  return plan;
}

}  // namespace compss::run
