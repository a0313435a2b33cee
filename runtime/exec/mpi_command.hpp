// The command line and host file of an MPI task (docs/external_programs.md, "MPI tasks").
#pragma once

#include <string>
#include <vector>

namespace compss::exec {

/// The MPI implementation the runner belongs to: COMPSS_MPIRUN_TYPE (`openmpi`/`ompi`,
/// the default, or `mpich`/`impi`), which decides the host file's syntax and flag.
enum class MpiFlavour { openmpi, mpich };

/// Reads COMPSS_MPIRUN_TYPE. Throws compss::Error on an unknown value.
MpiFlavour mpi_flavour_from_env();

/// One node of the task's allocation and how many processes it runs.
struct MpiHost {
  std::string name;
  long slots = 1;
};

/// The host file's text for `hosts`: `name slots=N` lines (Open MPI) or `name:N` (MPICH).
std::string host_file_text(MpiFlavour flavour, const std::vector<MpiHost>& hosts);

/// The runner's arguments before the program: the host file flag and file, `-n N`.
///
///   mpi_runner_args(MpiFlavour::openmpi, "/tmp/h", 4)  // {"--hostfile", "/tmp/h", "-n", "4"}
std::vector<std::string> mpi_runner_args(MpiFlavour flavour, const std::string& host_file,
                                         long processes);

/// Environment the runner needs: as root, Open MPI refuses to start without
/// OMPI_ALLOW_RUN_AS_ROOT=1 and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (set when euid is 0).
std::vector<std::string> mpi_environment(MpiFlavour flavour, bool root);

}  // namespace compss::exec
