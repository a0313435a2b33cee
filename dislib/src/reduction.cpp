#include "reduction.hpp"

#include "block_tasks.hpp"

#include <compss/error.hpp>

#include <string>

namespace dislib::detail {

compss::Future<Block> reduce_tree_with(std::vector<compss::Future<Block>> parts,
                                       std::size_t arity, const MergeNode& merge) {
  if (arity < 2 || arity > kMaxArity)
    throw compss::Error("dislib: arity must be between 2 and " + std::to_string(kMaxArity) +
                        ", not " + std::to_string(arity));
  if (parts.empty()) throw compss::Error("dislib: a reduction of nothing");
  // One ready empty block fills every unused input slot (a datum sent once per worker).
  const compss::Future<Block> none(empty_block());
  while (parts.size() > 1) {
    std::vector<compss::Future<Block>> next;
    for (std::size_t first = 0; first < parts.size(); first += arity) {
      const compss::Future<Block>* in[kMaxArity] = {};
      for (std::size_t s = 0; s < kMaxArity; ++s)
        in[s] = (s < arity && first + s < parts.size()) ? &parts[first + s] : &none;
      if (first + 1 == parts.size()) {
        next.push_back(parts[first]);  // a lone last part goes up as it is
        continue;
      }
      next.push_back(merge(in));
    }
    parts = std::move(next);
  }
  return parts.front();
}

compss::Future<Block> reduce_tree(std::vector<compss::Future<Block>> parts, int reduction,
                                  std::size_t arity) {
  return reduce_tree_with(std::move(parts), arity, [reduction](const compss::Future<Block>* const* in) {
    return merge_blocks(*in[0], *in[1], *in[2], *in[3], *in[4], *in[5], *in[6], *in[7],
                        reduction);
  });
}

}  // namespace dislib::detail
