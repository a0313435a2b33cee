#include "net/cluster_config.hpp"

namespace compss::net {

ClusterConfig cluster_config_from_env(unsigned default_cores) {
  return config::read_master_settings(config::process_env, default_cores);
}

}  // namespace compss::net
