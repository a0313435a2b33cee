// The environments compss-run gives the master and each worker, read before anything starts
// by the runtime's own reader (settings/run_config.hpp, config::read_run_config): a bad
// COMPSS_* value (one compss-run passes on from its own environment, such as COMPSS_MEMORY
// or COMPSS_WORKER_DATA_MEMORY) stops compss-run with exit status 2, instead of each
// process failing at its start (workers that never come: a master running alone).
#pragma once

#include <string>
#include <vector>

namespace compss::run {

/// Reads `env` ("NAME=value" entries, as apply_changes gives them) as the process `who`
/// ("the master", "worker 2 (n1)") will. Throws UsageError "compss-run: invalid COMPSS_X='v':
/// <what is expected> (in the environment of <who>)".
///
///   check_environment(apply_changes(environ, master_env), "the master");
void check_environment(const std::vector<std::string>& env, const std::string& who);

}  // namespace compss::run
