// Helpers the estimators share: data in row blocks that hold every column, small
// matrices on the master turned into blocks and back.
#pragma once

#include "block.hpp"
#include "block_grid.hpp"

#include <compss/dislib/array.hpp>
#include <compss/future.hpp>

#include <string>
#include <vector>

namespace dislib::detail {

/// x with one block per row block holding every column (the row bounds are kept when x
/// already has a single column of blocks; otherwise x's first block height is used).
Array whole_rows(const Array& x);

/// A block holding `m` (rows of equal length); a ready datum.
Block matrix_block(const Matrix& m);
/// A 1 x n block holding `v`.
Block row_block(const std::vector<double>& v);
Matrix block_matrix(const Block& b);
/// The values of a 1 x n (or n x 1) block.
std::vector<double> block_vector(const Block& b);

/// A rows x 1 array of row blocks whose heights follow x's row blocks (labels, scores).
Array column_of(const BlockGrid& x, std::vector<compss::Future<Block>> blocks);

/// Throws compss::Error "dislib: <estimator>: <what>" unless `ok`.
void require(bool ok, const std::string& estimator, const std::string& what);

}  // namespace dislib::detail
