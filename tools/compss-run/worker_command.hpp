// The command line that starts one worker: the application itself, ssh, or srun.
#pragma once

#include "environment.hpp"
#include "worker_plan.hpp"

#include <string>
#include <vector>

namespace compss::run {

/// `s` as one POSIX shell word (single quotes).
///
///   shell_quote("it's") == "'it'\\''s'"
std::string shell_quote(const std::string& s);

/// The shell script ssh runs on the worker's host: it reads COMPSS_SECRET from the first
/// line of stdin (never from the command line), then execs the application with `vars`.
///
///   ssh_script(vars, {"/abs/app", "x"})
///   // IFS= read -r COMPSS_SECRET && export COMPSS_SECRET && exec env 'COMPSS_WORKER=...' '/abs/app' 'x'
std::string ssh_script(const Variables& vars, const std::vector<std::string>& command);

/// argv of the process compss-run starts for `worker`: the application and `args` for a
/// local worker, `ssh -o BatchMode=yes -T [user@]host "sh -c '...'"`, or
/// `srun --nodes=1 --ntasks=1 --nodelist=host --overlap app args` inside Slurm.
///
///   worker_argv(w, vars, {"x"})
std::vector<std::string> worker_argv(const WorkerSpec& worker, const Variables& vars,
                                     const std::vector<std::string>& args);

}  // namespace compss::run
