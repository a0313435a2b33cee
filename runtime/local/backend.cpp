#include "local/backend.hpp"

namespace compss::rt {

LocalBackend::LocalBackend(LocalExecutor& executor) : executor_(executor) {
  executor_.enforce_constraints();  // constrained tasks wait for the master's resources
}

std::string LocalBackend::node_name(int node) const {
  return node == 0 ? "localhost" : "node " + std::to_string(node);
}

}  // namespace compss::rt
