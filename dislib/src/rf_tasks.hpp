// RandomForestClassifier's tasks (random_forest.cpp calls them; bodies in rf_tasks.cpp).
//
// A forest is a block of nodes, one per row: [is_root, feature, threshold, left, right,
// fraction of class 0, ..., fraction of class K-1]. is_root is 1 on the first node of a
// tree; feature is -1 on a leaf; left and right are the children's row offsets from the
// node itself (so trees stack into a forest unchanged). A row goes left when
// x[feature] <= threshold. Every node holds its samples' class fractions.
#pragma once

#include "block.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dislib::detail {

inline constexpr std::size_t kTreeLeadCols = 5;

/// One tree grown on a bootstrap sample of `data` (rows [x | y], y one of `classes`):
/// CART with Gini impurity; at each node max(1, floor(sqrt(d))) features drawn without
/// replacement (more while none of them varies); a node is a leaf when pure, at
/// max_depth (0: no limit), or with fewer than min_samples_split samples. The sample and
/// the draws come from mt19937_64 seeded by (seed, tree).
#pragma compss task
Block rf_tree(const Block& data, std::vector<double> classes, std::size_t max_depth,
              std::size_t min_samples_split, std::uint64_t seed, std::size_t tree);

/// The label of each row of x (n x 1): the class of highest mean fraction over the
/// forest's trees (ties: the first class).
#pragma compss task
Block rf_predict(const Block& x, const Block& forest, std::vector<double> classes);

}  // namespace dislib::detail
