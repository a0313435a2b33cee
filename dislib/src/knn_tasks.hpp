// KNeighborsClassifier's block tasks (neighbors.cpp calls them; bodies in knn_tasks.cpp).
// Candidates of a query block are a rows x 3k block: per query row its k smallest squared
// distances ascending (ties: the smaller training row first), then the labels of those
// training rows, then their row numbers in the training data (distance +inf: no row).
#pragma once

#include "block.hpp"

#include <cstddef>

namespace dislib::detail {

/// The k nearest rows of x (labels y, n x 1; x's first row is training row `first_row`)
/// to every row of q.
#pragma compss task
Block knn_candidates(const Block& q, const Block& x, const Block& y, std::size_t first_row,
                     std::size_t k);

/// The k nearest of two candidate sets of the same queries.
#pragma compss task
Block knn_merge(const Block& a, const Block& b, std::size_t k);

/// The majority label of each query's candidates (ties: the smallest label), rows x 1.
#pragma compss task
Block knn_vote(const Block& candidates, std::size_t k);

/// The distinct labels of y (n x 1), ascending, as a 1 x m block.
#pragma compss task
Block knn_class_labels(const Block& y);

/// The distinct labels of two knn_class_labels blocks, ascending.
#pragma compss task
Block knn_class_union(const Block& a, const Block& b);

/// predict_proba's rows x m block: per query, the fraction of its candidates whose label
/// is each of `classes` (1 x m, ascending): scikit-learn's uniform weights.
#pragma compss task
Block knn_proba(const Block& candidates, std::size_t k, const Block& classes);

/// kneighbors' outputs, rows x k: the Euclidean distances (`indices` false) or the
/// training row numbers (true) of each query's candidates.
#pragma compss task
Block knn_neighbors(const Block& candidates, std::size_t k, bool indices);

}  // namespace dislib::detail
