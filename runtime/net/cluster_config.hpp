// What the master of a master-worker run reads from its environment (set by compss-run;
// docs/distributed.md, "Environment"). The reading itself is the run's one configuration
// reader (settings/run_config.hpp); these are its master part under the names net/ uses.
#pragma once

#include "settings/run_config.hpp"

namespace compss::net {

using config::SchedulerPolicy;
using config::LogLevel;
/// The master's settings (config::MasterSettings). `distributed` is false when neither
/// COMPSS_LISTEN_FD nor COMPSS_LISTEN is set: then the runtime runs on local cores only.
///
///   ClusterConfig c = config::run_config().master;
///   if (c.distributed) start_cluster(c);
using ClusterConfig = config::MasterSettings;

/// Reads the COMPSS_* variables of a master now (config::read_master_settings over the
/// process's environment); `default_cores` is the master's task slots when
/// COMPSS_MASTER_CORES is unset. Throws compss::Error
/// ("compss: invalid COMPSS_X='v': why") on a malformed value or a missing secret.
///
///   ClusterConfig c = cluster_config_from_env(runtime.threads());
ClusterConfig cluster_config_from_env(unsigned default_cores);

}  // namespace compss::net
