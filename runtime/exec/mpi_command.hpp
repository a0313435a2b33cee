// The command line and host file of an MPI task (docs/external_programs.md, "MPI tasks").
#pragma once

#include "settings/run_config.hpp"

#include <compss/this_task.hpp>

#include <string>
#include <vector>

namespace compss::exec {

/// The MPI implementation the runner belongs to: COMPSS_MPIRUN_TYPE (`openmpi`/`ompi`,
/// the default, or `mpich`/`impi`), which decides the host file's syntax and flag.
using MpiFlavour = config::MpiFlavour;

/// COMPSS_MPIRUN_TYPE, as the run's configuration read it at start (config::run_config()).
MpiFlavour mpi_flavour_from_env();

/// The host file's text for the task's nodes `hosts` (each with its processes), in order:
/// Open MPI gets one line per process (the host repeated: each line is a slot), which
/// stays valid when two nodes are one machine under two names (local test workers at
/// 127.0.0.1 and the master's host name: Open MPI refuses two `slots=` lines for one
/// machine); MPICH gets `name:N`, nodes of the same name merged.
///
///   host_file_text(MpiFlavour::openmpi, {{"n1", 2}, {"n2", 1}})  // "n1\nn1\nn2\n"
std::string host_file_text(MpiFlavour flavour, const std::vector<detail::TaskHost>& hosts);

/// The runner's arguments before the program: the host file flag and file, `-n N`.
///
///   mpi_runner_args(MpiFlavour::openmpi, "/tmp/h", 4)  // {"--hostfile", "/tmp/h", "-n", "4"}
std::vector<std::string> mpi_runner_args(MpiFlavour flavour, const std::string& host_file,
                                         long processes);

/// Environment the runner needs: as root, Open MPI refuses to start without
/// OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (set when euid is 0).
std::vector<std::string> mpi_environment(MpiFlavour flavour, bool root);

}  // namespace compss::exec
