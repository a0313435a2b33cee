#include "local/backend.hpp"

#include "local/constrained.hpp"

#include <algorithm>

namespace compss::rt {

LocalBackend::LocalBackend(LocalExecutor& executor) : executor_(executor) {
  executor_.enforce_constraints();  // constrained tasks wait for the master's resources
}

std::string LocalBackend::node_name(int node) const {
  return node == 0 ? "localhost" : "node " + std::to_string(node);
}

std::vector<Backend::NodeSlotsView> LocalBackend::node_slots() {
  NodeSlotsView master{0, node_name(0), executor_.threads(), 0, true};
  master.running_known = false;
  if (const ConstrainedTasks* c = executor_.constrained()) set_node_resources(master, c->total(), c->free());
  return {master};
}

void set_node_resources(Backend::NodeSlotsView& view, const sched::Capacity& total,
                        const sched::Capacity& free) noexcept {
  const auto used = [](auto all, auto left) { return all - std::min(left, all); };
  view.cores = total.cpus();
  view.cores_used = used(total.cpus(), free.cpus());
  view.gpus = total.gpus();
  view.gpus_used = used(total.gpus(), free.gpus());
  view.memory_mb = total.memory_mb;
  view.memory_used_mb = used(total.memory_mb, free.memory_mb);
}

}  // namespace compss::rt
