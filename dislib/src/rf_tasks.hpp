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

/// The distinct labels of `data`'s last column, ascending (a plain list, no block header).
#pragma compss task
std::vector<double> rf_classes(const Block& data);

/// One tree grown on `data` (rows [x | y], y one of `classes`), on a bootstrap sample of
/// its n rows (or every row once without `bootstrap`): CART with Gini impurity; at each
/// node max_features features drawn without replacement (more while none of them varies);
/// a node is a leaf when pure, at max_depth (0: no limit), or with fewer than
/// min_samples_split samples. The sample and the draws come from mt19937_64 seeded by
/// (seed, tree).
#pragma compss task
Block rf_tree(const Block& data, std::vector<double> classes, std::size_t max_depth,
              std::size_t min_samples_split, std::size_t max_features, bool bootstrap,
              std::uint64_t seed, std::size_t tree);

// distr_depth > 0: the top levels of a tree as tasks (random_forest.cpp's grow_top). A
// sample is a list of row numbers of data (with repeats under bootstrap). Node n's children
// are 2n + 1 and 2n + 2 (the root is 0); a node's draws come from mt19937_64 seeded by
// (seed, tree, n + 1), a subtree's by (seed, tree, its root's n + 1).

/// What every task of one tree needs besides its rows.
struct TreeParams {
  std::size_t max_depth = 0;  ///< 0: no limit
  std::size_t min_samples_split = 2;
  std::size_t max_features = 1;
  std::uint64_t seed = 0;
  std::size_t tree = 0;
  template <class A>
  void serialize(A& ar) {
    ar(max_depth, min_samples_split, max_features, seed, tree);
  }
};

/// The tree's sample: n rows drawn with replacement (bootstrap) or every row once.
#pragma compss task
std::vector<double> rf_sample(const Block& data, bool bootstrap, std::uint64_t seed,
                              std::size_t tree);

/// The node of `sample` at `depth` alone: a 1-row tree block (its split, or a leaf);
/// empty for an empty sample.
#pragma compss task
Block rf_node(const Block& data, std::vector<double> sample, std::vector<double> classes,
              TreeParams params, std::size_t depth, std::uint64_t node);

/// The rows of `sample` that go left (`right` false) or right of node's split; none when
/// the node is a leaf or empty.
#pragma compss task
std::vector<double> rf_child_sample(const Block& data, std::vector<double> sample,
                                    const Block& node, bool right);

/// The whole subtree of `sample` from `depth` down, in one task (empty for no rows).
#pragma compss task
Block rf_subtree(const Block& data, std::vector<double> sample, std::vector<double> classes,
                 TreeParams params, std::size_t depth, std::uint64_t node);

/// node, then left's rows, then right's (the offsets set); a leaf node alone. `root` marks
/// the result as a tree.
#pragma compss task
Block rf_join(const Block& node, const Block& left, const Block& right, bool root);

/// The label of each row of x (n x 1): the class of highest mean fraction over the
/// forest's trees (ties: the first class).
#pragma compss task
Block rf_predict(const Block& x, const Block& forest, std::vector<double> classes);

/// n x classes: per row of x the mean over the trees of its leaf's class fractions.
#pragma compss task
Block rf_predict_proba(const Block& x, const Block& forest, std::size_t n_classes);

}  // namespace dislib::detail
