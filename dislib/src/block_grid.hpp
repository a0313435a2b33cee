// The blocks of a dislib::Array: a grid of futures and the offsets where each block row
// and column starts. Immutable once built; shared between arrays (a slice shares the
// futures of the blocks it does not cut).
#pragma once

#include "block.hpp"

#include <compss/dislib/array.hpp>
#include <compss/future.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace dislib::detail {

struct BlockGrid {
  /// row_starts[i] is the first row of block row i; the last entry is the row count
  /// (so there are row_starts.size() - 1 block rows). The same for columns.
  std::vector<std::size_t> row_starts{0};
  std::vector<std::size_t> col_starts{0};
  /// Row-major: block (i, j) is blocks[i * n_block_cols() + j].
  std::vector<compss::Future<Block>> blocks;

  std::size_t n_block_rows() const { return row_starts.size() - 1; }
  std::size_t n_block_cols() const { return col_starts.size() - 1; }
  std::size_t rows() const { return row_starts.back(); }
  std::size_t cols() const { return col_starts.back(); }
  std::size_t block_height(std::size_t i) const { return row_starts[i + 1] - row_starts[i]; }
  std::size_t block_width(std::size_t j) const { return col_starts[j + 1] - col_starts[j]; }
  const compss::Future<Block>& block(std::size_t i, std::size_t j) const {
    return blocks[i * n_block_cols() + j];
  }
};

/// Offsets 0, step, 2 step, ..., n (the last block may be shorter).
std::vector<std::size_t> regular_starts(std::size_t n, std::size_t step);

/// A grid with these bounds and its blocks still to be filled (row-major).
std::shared_ptr<BlockGrid> empty_grid(std::vector<std::size_t> row_starts,
                                      std::vector<std::size_t> col_starts);

/// The same values on other bounds (the blocks whose bounds do not change are shared).
std::shared_ptr<BlockGrid> with_bounds(const BlockGrid& g, std::vector<std::size_t> rows,
                                       std::vector<std::size_t> cols);

/// Checks a block shape against an array shape: each side > 0 (a side of an empty array
/// may be anything). Throws compss::Error naming `what`.
void check_block_shape(Shape shape, Shape block_shape, const char* what);

}  // namespace dislib::detail
