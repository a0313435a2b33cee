#include "core/monitor_records.hpp"

namespace compss::rt {

void MonitorRecords::name_node(int node, std::string_view name) noexcept {
  if (node < 0 || node >= named_nodes) return;
  try {
    owned_names_.push_back(std::make_unique<std::string>(name));
    node_names_[static_cast<std::size_t>(node)].store(owned_names_.back().get(), std::memory_order_release);
  } catch (...) {  // (out of memory: its starts are told again next time)
  }
}

}  // namespace compss::rt
