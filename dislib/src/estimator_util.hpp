// Helpers the estimators share: data in row blocks that hold every column, small
// matrices on the master turned into blocks and back.
#pragma once

#include "block.hpp"
#include "block_grid.hpp"

#include <compss/dislib/array.hpp>
#include <compss/dislib/score.hpp>
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

/// A rows x width array (labels, scores: width 1) of one block per row block of x, whose
/// heights follow x's row blocks.
Array column_of(const BlockGrid& x, std::vector<compss::Future<Block>> blocks,
                std::size_t width = 1);

/// The values of a 1 x n array (waits).
std::vector<double> collect_row(const Array& a);

/// y's rows on the row bounds of `like`, all of y's columns in one block.
Array align_rows(const Array& y, const BlockGrid& like);

/// Per column j: mode 0 (x - shift[j]) / scale[j]; mode 1 x * scale[j] + shift[j]
/// (column_affine_block tasks, one per block; x's blocks are kept).
Array map_columns(const Array& x, const std::vector<double>& shift,
                  const std::vector<double>& scale, int mode);

/// Population variance of each column of x around `mean` (its column means): the sum of
/// (x - mean)^2 per block (centered_square_sum_block tasks), combined per column block.
std::vector<double> column_variances(const Array& x, const std::vector<double>& mean);

/// Sum over x's row blocks of (x - mean)^T (x - mean) (x in whole rows; `mean` empty for
/// no centring): centered_gram_block tasks and a reduction tree. Waits for it.
Matrix centered_gram(const Array& x_whole_rows, const std::vector<double>& mean);

/// (x - shift) @ mat + add per row block (x in whole rows; shift and add may be empty):
/// an n x mat-columns array on x's row bounds.
Array row_gemm(const Array& x_whole_rows, const std::vector<double>& shift, const Matrix& mat,
               const std::vector<double>& add);

/// The fraction of rows of `predicted` (n x 1) equal to y's: an equal_count_block task per
/// row block and a sum tree, waited for by get(); the classifiers' score.
PendingScore accuracy(const Array& predicted, const Array& y, const std::string& estimator);

/// Throws compss::Error "dislib: <estimator>: <what>" unless `ok`.
void require(bool ok, const std::string& estimator, const std::string& what);

}  // namespace dislib::detail
