#include "exec/binding_environment.hpp"

#include "settings/run_config.hpp"

#include <compss/error.hpp>

#include <cstdlib>
#include <string_view>

namespace compss::exec {

namespace {
std::string id_list(const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (std::uint32_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}
}  // namespace

std::vector<std::string> binding_environment(const std::vector<std::uint32_t>& cpus,
                                             const std::vector<std::uint32_t>& gpus,
                                             bool gpu_affinity) {
  const std::string gpu_ids = id_list(gpus);
  std::vector<std::string> env{"COMPSS_BINDED_CPUS=" + id_list(cpus), "COMPSS_BINDED_GPUS=" + gpu_ids};
  if (gpu_affinity && !gpus.empty()) {
    for (const char* name : {"CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL"}) {
      env.push_back(std::string(name) + "=" + gpu_ids);
    }
  }
  return env;
}

bool gpu_affinity_enabled() { return config::run_config().gpu_affinity; }

}  // namespace compss::exec
