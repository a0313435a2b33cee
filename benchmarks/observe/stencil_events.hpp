// The data accesses of the benchmarks' stencil (graph_scale, monitor_load): task `id`
// reads its two neighbours' blocks (the previous versions) and updates its own block
// (datum b + 1 for block b), `blocks` blocks in turn.
#pragma once

#include "core/events.hpp"

#include <cstdint>
#include <vector>

namespace compss::bench {

/// Fills `data` with task `id`'s accesses and bumps its block's version in `version`
/// (blocks + 1 entries); returns its block.
///
///   std::vector<std::uint64_t> version(blocks + 1, 0);
///   std::uint64_t b = stencil_accesses(id, blocks, version, data);
inline std::uint64_t stencil_accesses(std::uint64_t id, std::uint64_t blocks, std::vector<std::uint64_t>& version,
                                      std::vector<rt::DataAccess>& data) {
  const std::uint64_t b = (id - 1) % blocks;
  data.clear();
  for (std::uint64_t n : {b == 0 ? blocks - 1 : b - 1, b == blocks - 1 ? 0 : b + 1})
    data.push_back({n + 1, version[n + 1], detail::Direction::in});
  data.push_back({b + 1, ++version[b + 1], detail::Direction::inout});
  return b;
}

}  // namespace compss::bench
