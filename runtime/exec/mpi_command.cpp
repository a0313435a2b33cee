#include "exec/mpi_command.hpp"

#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace compss::exec {

MpiFlavour mpi_flavour_from_env() { return config::run_config().mpirun; }

std::string host_file_text(MpiFlavour flavour, const std::vector<detail::TaskHost>& hosts) {
  std::string out;
  if (flavour == MpiFlavour::openmpi) {
    for (const detail::TaskHost& h : hosts) {
      for (unsigned i = 0; i < h.processes; ++i) out += h.name + '\n';
    }
    return out;
  }
  std::vector<detail::TaskHost> merged;
  for (const detail::TaskHost& h : hosts) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.name == h.name; });
    if (same != merged.end()) {
      same->processes += h.processes;
    } else {
      merged.push_back(h);
    }
  }
  for (const detail::TaskHost& h : merged) out += h.name + ':' + std::to_string(h.processes) + '\n';
  return out;
}

std::vector<std::string> mpi_runner_args(MpiFlavour flavour, const std::string& host_file,
                                         long processes) {
  return {flavour == MpiFlavour::openmpi ? "--hostfile" : "-f", host_file, "-n",
          std::to_string(processes)};
}

std::vector<std::string> mpi_environment(MpiFlavour flavour, bool root) {
  if (flavour == MpiFlavour::openmpi && root) {
    return {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"};
  }
  return {};
}

}  // namespace compss::exec
