#include "grid_builder.hpp"

#include <algorithm>

namespace dislib::detail {

GridBuilder::GridBuilder(std::size_t cols, Shape block_shape)
    : cols_(cols), block_shape_(block_shape), col_starts_(regular_starts(cols, block_shape.cols)) {
  check_block_shape({1, cols}, block_shape, "load");
}

void GridBuilder::add_row(const double* row) {
  pending_.insert(pending_.end(), row, row + cols_);
  if (++pending_rows_ == block_shape_.rows) flush();
}

void GridBuilder::flush() {
  if (pending_rows_ == 0) return;
  for (std::size_t j = 0; j + 1 < col_starts_.size(); ++j) {
    const std::size_t c0 = col_starts_[j], width = col_starts_[j + 1] - c0;
    Block b = make_block(pending_rows_, width);
    for (std::size_t r = 0; r < pending_rows_; ++r)
      std::copy(&pending_[r * cols_ + c0], &pending_[r * cols_ + c0] + width, &at(b, r, 0));
    blocks_.emplace_back(std::move(b));
  }
  row_starts_.push_back(row_starts_.back() + pending_rows_);
  pending_.clear();
  pending_rows_ = 0;
}

Array GridBuilder::finish() {
  flush();
  auto g = std::make_shared<BlockGrid>();
  g->row_starts = row_starts_;
  g->col_starts = row_starts_.size() > 1 ? col_starts_ : std::vector<std::size_t>{0};
  if (row_starts_.size() > 1) g->blocks = std::move(blocks_);
  return Array(g);
}

}  // namespace dislib::detail
