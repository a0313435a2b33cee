// Reduction trees over block futures: partials combined `arity` at a time (at most 8, the
// inputs of merge_blocks) until one is left. Used by the axis reductions and by the
// estimators' partial sums (KMeans' arity).
#pragma once

#include "block.hpp"

#include <compss/future.hpp>

#include <cstddef>
#include <functional>
#include <vector>

namespace dislib::detail {

inline constexpr std::size_t kMaxArity = 8;

/// A node of a reduction tree: a task over kMaxArity inputs (unused slots: an empty block).
using MergeNode =
    std::function<compss::Future<Block>(const compss::Future<Block>* const* inputs)>;

/// One future combining `parts` `arity` at a time (2..8) by `merge` until one is left (a
/// lone last part of a level goes up as it is). Throws compss::Error for an arity out of
/// range or no parts. CascadeSVM's cascade is such a tree.
compss::Future<Block> reduce_tree_with(std::vector<compss::Future<Block>> parts,
                                       std::size_t arity, const MergeNode& merge);

/// One future holding the combination of `parts` (merge_blocks tasks in a tree of the
/// given arity, 2..8). Throws compss::Error for an arity out of range or no parts.
compss::Future<Block> reduce_tree(std::vector<compss::Future<Block>> parts, int reduction,
                                  std::size_t arity = kMaxArity);

}  // namespace dislib::detail
