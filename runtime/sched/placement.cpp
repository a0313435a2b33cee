#include "sched/placement.hpp"

namespace compss::sched {

int choose_node(std::span<const NodeSlots> nodes, std::span<const std::uint64_t> input_bytes,
                bool locality, unsigned depth) noexcept {
  int best = -1;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeSlots& n = nodes[i];
    const unsigned room = n.id == 0 ? n.slots : n.slots * depth;
    if (!n.alive || n.running >= room) continue;
    if (best < 0) {
      best = static_cast<int>(i);
      continue;
    }
    const NodeSlots& b = nodes[static_cast<std::size_t>(best)];
    if (locality) {
      std::uint64_t mine = i < input_bytes.size() ? input_bytes[i] : 0;
      std::uint64_t theirs =
          static_cast<std::size_t>(best) < input_bytes.size() ? input_bytes[static_cast<std::size_t>(best)] : 0;
      if (mine != theirs) {
        if (mine > theirs) best = static_cast<int>(i);
        continue;
      }
    }
    // Less loaded: running/slots smaller (compared without division).
    std::uint64_t lhs = std::uint64_t{n.running} * b.slots;
    std::uint64_t rhs = std::uint64_t{b.running} * n.slots;
    if (lhs < rhs) best = static_cast<int>(i);
  }
  return best;
}

}  // namespace compss::sched
