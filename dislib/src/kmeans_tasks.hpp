// KMeans' block tasks (kmeans.cpp calls them; bodies in kmeans_tasks.cpp).
#pragma once

#include "block.hpp"

#include <cstddef>
#include <vector>

namespace dislib::detail {

/// Lloyd's partial over one row block x (n x d) for centres (k x d): a k x (d + 2) block
/// whose row j holds the sum of the points nearest to centre j, their count, and (when
/// `with_inertia`; else 0) the sum of their squared distances to it.
#pragma compss task
Block kmeans_partial(const Block& x, const Block& centers, bool with_inertia);

/// The index of the nearest centre of each row of x (n x 1).
#pragma compss task
Block kmeans_labels(const Block& x, const Block& centers);

/// The Euclidean distance of each row of x to each centre (n x k, scikit-learn's
/// KMeans.transform), in GEMM form as scikit-learn's euclidean_distances:
/// sqrt(max(0, ||x||^2 - 2 x.c + ||c||^2)).
#pragma compss task
Block kmeans_distances(const Block& x, const Block& centers);

/// k-means++: each row's squared distance to its nearest chosen centre, given the
/// distances so far (n x 1, or an empty block before the first centre) and a new centre
/// (1 x d).
#pragma compss task
Block kpp_distances(const Block& x, const Block& distances, const Block& center);

/// k-means++: the first row (1 x d) of x at which the running sum of `distances` exceeds
/// `threshold` (the last row when rounding leaves none).
#pragma compss task
Block kpp_pick_row(const Block& x, const Block& distances, double threshold);

}  // namespace dislib::detail
