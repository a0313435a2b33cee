#include "estimator_util.hpp"

#include <compss/error.hpp>

#include <algorithm>

namespace dislib::detail {

Array whole_rows(const Array& x) {
  if (x.n_blocks().cols <= 1) return x;
  return x.rechunk({x.block_shape().rows, x.cols()});
}

Block matrix_block(const Matrix& m) {
  const std::size_t rows = m.size(), cols = m.empty() ? 0 : m.front().size();
  Block b = make_block(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) std::copy(m[r].begin(), m[r].end(), &at(b, r, 0));
  return b;
}

Block row_block(const std::vector<double>& v) {
  Block b = make_block(1, v.size());
  std::copy(v.begin(), v.end(), values(b));
  return b;
}

Matrix block_matrix(const Block& b) {
  Matrix m(block_rows(b), std::vector<double>(block_cols(b)));
  for (std::size_t r = 0; r < m.size(); ++r)
    std::copy(&at(b, r, 0), &at(b, r, 0) + block_cols(b), m[r].begin());
  return m;
}

std::vector<double> block_vector(const Block& b) {
  return std::vector<double>(values(b), values(b) + block_rows(b) * block_cols(b));
}

Array column_of(const BlockGrid& x, std::vector<compss::Future<Block>> blocks) {
  auto g = empty_grid(x.row_starts, x.rows() > 0 ? std::vector<std::size_t>{0, 1}
                                                 : std::vector<std::size_t>{0});
  g->blocks = std::move(blocks);
  return Array(g);
}

void require(bool ok, const std::string& estimator, const std::string& what) {
  if (!ok) throw compss::Error("dislib: " + estimator + ": " + what);
}

}  // namespace dislib::detail
