// What an external program (binary, MPI task) is told about the cores and GPUs its task
// holds: variables in the child's environment only, never in this process's (tasks run
// at once on other threads). The program also inherits the task thread's CPU pinning
// (docs/external_programs.md, "Environment").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace compss::exec {

/// COMPSS_BINDED_CPUS=<ids> and COMPSS_BINDED_GPUS=<ids> (comma-separated, possibly
/// empty) from `cpus` and `gpus`; when the task holds GPUs and `gpu_affinity` is on, also
/// CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES and GPU_DEVICE_ORDINAL=<gpu ids> (a task
/// without GPUs keeps whatever this process has).
///
///   p.env = binding_environment(this_task::cpus(), this_task::gpus(), gpu_affinity_enabled());
std::vector<std::string> binding_environment(const std::vector<std::uint32_t>& cpus,
                                             const std::vector<std::uint32_t>& gpus,
                                             bool gpu_affinity);

/// COMPSS_GPU_AFFINITY: "automatic" or unset (default: the device variables above) is
/// true, "disabled" false (config::run_config(), checked at start-up, so a typo fails
/// there, not in a task).
bool gpu_affinity_enabled();

}  // namespace compss::exec
