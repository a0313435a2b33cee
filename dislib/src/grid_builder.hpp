// Builds an array on the master from rows given one at a time (the file loaders): every
// `block_shape.rows` rows become one row of blocks, ready futures the tasks then read.
#pragma once

#include "block_grid.hpp"

#include <compss/dislib/array.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace dislib::detail {

class GridBuilder {
 public:
  GridBuilder(std::size_t cols, Shape block_shape);
  /// Appends one row of exactly `cols` values.
  void add_row(const double* row);
  /// The array of the rows added so far.
  Array finish();

 private:
  void flush();

  std::size_t cols_;
  Shape block_shape_;
  std::vector<std::size_t> col_starts_;
  std::vector<std::size_t> row_starts_{0};
  std::vector<double> pending_;  // rows of the block row being filled
  std::size_t pending_rows_ = 0;
  std::vector<compss::Future<Block>> blocks_;
};

}  // namespace dislib::detail
