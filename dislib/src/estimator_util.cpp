#include "estimator_util.hpp"

#include "block_tasks.hpp"
#include "reduction.hpp"

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

Array column_of(const BlockGrid& x, std::vector<compss::Future<Block>> blocks,
                std::size_t width) {
  auto g = empty_grid(x.row_starts, x.rows() > 0 && width > 0 ? std::vector<std::size_t>{0, width}
                                                              : std::vector<std::size_t>{0});
  g->blocks = std::move(blocks);
  return Array(g);
}

std::vector<double> collect_row(const Array& a) {
  const Matrix m = a.collect();
  return m.empty() ? std::vector<double>{} : m.front();
}

Array align_rows(const Array& y, const BlockGrid& like) {
  return Array(with_bounds(y.grid(), like.row_starts,
                           y.cols() > 0 ? std::vector<std::size_t>{0, y.cols()}
                                        : std::vector<std::size_t>{0}));
}

Array map_columns(const Array& x, const std::vector<double>& shift,
                  const std::vector<double>& scale, int mode) {
  const BlockGrid& g = x.grid();
  const compss::Future<Block> shift_block(row_block(shift)), scale_block(row_block(scale));
  auto out = empty_grid(g.row_starts, g.col_starts);
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    for (std::size_t j = 0; j < g.n_block_cols(); ++j)
      out->blocks.push_back(
          column_affine_block(g.block(i, j), shift_block, scale_block, g.col_starts[j], mode));
  return Array(out);
}

std::vector<double> column_variances(const Array& x, const std::vector<double>& mean) {
  const BlockGrid& g = x.grid();
  const compss::Future<Block> mean_block(row_block(mean));
  std::vector<double> var;
  for (std::size_t j = 0; j < g.n_block_cols(); ++j) {
    std::vector<compss::Future<Block>> parts;
    for (std::size_t i = 0; i < g.n_block_rows(); ++i)
      parts.push_back(centered_square_sum_block(g.block(i, j), mean_block, g.col_starts[j]));
    const compss::Future<Block> sums = reduce_tree(std::move(parts), red_sum);
    for (double v : block_vector(sums.get())) var.push_back(v / static_cast<double>(x.rows()));
  }
  return var;
}

Matrix centered_gram(const Array& x, const std::vector<double>& mean) {
  const BlockGrid& g = x.grid();
  const compss::Future<Block> mean_block(mean.empty() ? empty_block() : row_block(mean));
  std::vector<compss::Future<Block>> parts;
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    parts.push_back(centered_gram_block(g.block(i, 0), mean_block));
  const compss::Future<Block> total = reduce_tree(std::move(parts), red_sum);
  return block_matrix(total.get());
}

Array row_gemm(const Array& x, const std::vector<double>& shift, const Matrix& mat,
               const std::vector<double>& add) {
  const BlockGrid& g = x.grid();
  const compss::Future<Block> shift_block(shift.empty() ? empty_block() : row_block(shift));
  const compss::Future<Block> mat_block(matrix_block(mat));
  const compss::Future<Block> add_block(add.empty() ? empty_block() : row_block(add));
  const std::size_t width = mat.empty() ? 0 : mat.front().size();
  auto out = empty_grid(g.row_starts, width > 0 ? std::vector<std::size_t>{0, width}
                                                : std::vector<std::size_t>{0});
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    out->blocks.push_back(affine_gemm_block(g.block(i, 0), shift_block, mat_block, add_block));
  return Array(out);
}

PendingScore accuracy(const Array& predicted, const Array& y, const std::string& estimator) {
  require(y.rows() == predicted.rows() && y.cols() == 1, estimator,
          "y must be a column of " + std::to_string(predicted.rows()) + " labels, not " +
              std::to_string(y.rows()) + "x" + std::to_string(y.cols()));
  if (y.rows() == 0) return PendingScore([] { return 0.0; });
  const Array truth = align_rows(y, predicted.grid());
  std::vector<compss::Future<Block>> counts;
  for (std::size_t i = 0; i < predicted.grid().n_block_rows(); ++i)
    counts.push_back(equal_count_block(predicted.grid().block(i, 0), truth.grid().block(i, 0)));
  const compss::Future<Block> total = reduce_tree(std::move(counts), red_sum);
  return PendingScore([total] {
    const Block& b = total.get();
    return values(b)[0] / values(b)[1];
  });
}

void require(bool ok, const std::string& estimator, const std::string& what) {
  if (!ok) throw compss::Error("dislib: " + estimator + ": " + what);
}

}  // namespace dislib::detail
