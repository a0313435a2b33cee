// Which workers a run has and how each is started: from --workers, --hosts, the XML
// files or a Slurm allocation.
#pragma once

#include "options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace compss::run {

/// How a worker process is started.
enum class Via { local, ssh, srun };

/// One worker of the run.
///
///   WorkerSpec w{1, Via::ssh, "node7", "alice", "node7", 8, "/scratch/run", "/opt/app/bin/app"};
struct WorkerSpec {
  unsigned index = 0;             ///< 1-based worker number (node index in the runtime)
  Via via = Via::local;
  std::string host = "localhost";  ///< where it runs
  std::string user;                ///< ssh user; empty = ssh's default
  std::string name;                ///< COMPSS_WORKER_NAME
  std::optional<unsigned> cores;   ///< COMPSS_WORKER_CORES; unset = the worker's default
  /// COMPSS_WORKER_MEMORY (GB) and COMPSS_WORKER_GPUS: what resources.xml declares of the
  /// node (<Memory><Size>, GPU <Processor>s), reported by the worker instead of detection.
  std::optional<double> memory_gb;
  std::optional<unsigned> gpus;
  std::string working_dir;         ///< COMPSS_WORKING_DIR; empty = not set
  std::string app;                 ///< absolute path of the application on that host
};

/// The workers of a run and what the XML says about the master's port.
///
///   LaunchPlan p = plan_workers(options, "/abs/app", process_env);
struct LaunchPlan {
  std::vector<WorkerSpec> workers;
  std::optional<std::uint16_t> xml_port;  ///< first Adaptor Ports MinPort in resources.xml
  bool slurm = false;                     ///< workers come from SLURM_JOB_NODELIST
  /// True when no worker needs the network (all are local processes).
  bool all_local() const;
};

/// True for the names that mean this machine in the XML files and --hosts.
///
///   is_local_host("127.0.0.1") == true
bool is_local_host(const std::string& host);

/// Builds the worker list. `app` is the absolute path of the application here. Throws
/// UsageError for XML errors (file, line or node, what is wrong), a bad Slurm node list,
/// or SLURM_JOB_ID without a node list.
///
///   Options o = parse_options({"--workers", "2", "./app"}, process_env);
///   LaunchPlan p = plan_workers(o, "/home/me/app", process_env);  // 2 local workers
LaunchPlan plan_workers(const Options& options, const std::string& app, const EnvLookup& env);

}  // namespace compss::run
