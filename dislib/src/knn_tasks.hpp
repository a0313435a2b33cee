// KNeighborsClassifier's block tasks (neighbors.cpp calls them; bodies in knn_tasks.cpp).
// Candidates of a query block are a rows x 2k block: per query row its k smallest squared
// distances ascending, then the labels of those training rows (distance +inf: no row).
#pragma once

#include "block.hpp"

#include <cstddef>

namespace dislib::detail {

/// The k nearest rows of x (labels y, n x 1) to every row of q.
#pragma compss task
Block knn_candidates(const Block& q, const Block& x, const Block& y, std::size_t k);

/// The k nearest of two candidate sets of the same queries.
#pragma compss task
Block knn_merge(const Block& a, const Block& b, std::size_t k);

/// The majority label of each query's candidates (ties: the smallest label), rows x 1.
#pragma compss task
Block knn_vote(const Block& candidates, std::size_t k);

}  // namespace dislib::detail
