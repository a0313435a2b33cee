// dislib::Array: creation, regridding (slice, rechunk), element-wise arithmetic,
// transpose, matmul, reductions along an axis, apply_along_axis, collect. Each operation
// submits block tasks (block_tasks.hpp) and returns at once.
#include "block_grid.hpp"
#include "block_tasks.hpp"
#include "function_registry.hpp"
#include "grid_builder.hpp"
#include "reduction.hpp"

#include <compss/api.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <string>

namespace dislib {

using detail::Block;
using detail::BlockGrid;
using BlockFuture = compss::Future<Block>;

namespace detail {

std::vector<std::size_t> regular_starts(std::size_t n, std::size_t step) {
  std::vector<std::size_t> starts{0};
  if (step == 0) step = 1;
  for (std::size_t s = step; s < n; s += step) starts.push_back(s);
  if (n > 0) starts.push_back(n);
  return starts;
}

std::shared_ptr<BlockGrid> empty_grid(std::vector<std::size_t> row_starts,
                                      std::vector<std::size_t> col_starts) {
  auto g = std::make_shared<BlockGrid>();
  g->row_starts = std::move(row_starts);
  g->col_starts = std::move(col_starts);
  g->blocks.reserve(g->n_block_rows() * g->n_block_cols());
  return g;
}

void check_block_shape(Shape shape, Shape block_shape, const char* what) {
  if ((shape.rows > 0 && block_shape.rows == 0) || (shape.cols > 0 && block_shape.cols == 0))
    throw compss::Error(std::string("dislib: ") + what + ": block shape " +
                        std::to_string(block_shape.rows) + "x" +
                        std::to_string(block_shape.cols) + " has a zero side");
}

namespace {

// The blocks of `g` restricted to rows [r0, r1) x cols [c0, c1) of the array, laid out on
// new bounds (relative to r0 / c0). A target block that is exactly one source block shares
// its future; any other is assembled from slices of the source blocks it covers.
std::shared_ptr<BlockGrid> regrid(const BlockGrid& g, std::size_t r0, std::size_t r1,
                                  std::size_t c0, std::size_t c1,
                                  std::vector<std::size_t> new_rows,
                                  std::vector<std::size_t> new_cols) {
  auto out = empty_grid(std::move(new_rows), std::move(new_cols));
  // Source block index holding global offset `pos` along starts.
  auto block_of = [](const std::vector<std::size_t>& starts, std::size_t pos) {
    return static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), pos) -
                                    starts.begin()) -
           1;
  };
  for (std::size_t ti = 0; ti < out->n_block_rows(); ++ti) {
    const std::size_t tr0 = r0 + out->row_starts[ti], tr1 = r0 + out->row_starts[ti + 1];
    for (std::size_t tj = 0; tj < out->n_block_cols(); ++tj) {
      const std::size_t tc0 = c0 + out->col_starts[tj], tc1 = c0 + out->col_starts[tj + 1];
      BlockFuture assembled;
      for (std::size_t si = block_of(g.row_starts, tr0); si < g.n_block_rows() &&
                                                          g.row_starts[si] < tr1;
           ++si) {
        BlockFuture row_piece;
        for (std::size_t sj = block_of(g.col_starts, tc0);
             sj < g.n_block_cols() && g.col_starts[sj] < tc1; ++sj) {
          const std::size_t br0 = std::max(tr0, g.row_starts[si]) - g.row_starts[si];
          const std::size_t br1 = std::min(tr1, g.row_starts[si + 1]) - g.row_starts[si];
          const std::size_t bc0 = std::max(tc0, g.col_starts[sj]) - g.col_starts[sj];
          const std::size_t bc1 = std::min(tc1, g.col_starts[sj + 1]) - g.col_starts[sj];
          BlockFuture piece;
          if (br0 == 0 && br1 == g.block_height(si) && bc0 == 0 && bc1 == g.block_width(sj))
            piece = g.block(si, sj);  // whole source block: no task
          else
            piece = detail::slice_block(g.block(si, sj), br0, br1, bc0, bc1);
          if (!row_piece.valid())
            row_piece = piece;
          else
            row_piece = detail::hstack_blocks(row_piece, piece);
        }
        if (!assembled.valid())
          assembled = row_piece;
        else
          assembled = detail::vstack_blocks(assembled, row_piece);
      }
      if (!assembled.valid())  // an empty range
        assembled = detail::fill_block(tr1 - tr0, tc1 - tc0, 0.0);
      out->blocks.push_back(assembled);
    }
  }
  return out;
}

// Bounds of `starts` inside [begin, end), relative to begin.
std::vector<std::size_t> starts_within(const std::vector<std::size_t>& starts, std::size_t begin,
                                       std::size_t end) {
  std::vector<std::size_t> out{0};
  for (std::size_t s : starts)
    if (s > begin && s < end) out.push_back(s - begin);
  if (end > begin) out.push_back(end - begin);
  return out;
}

}  // namespace

std::shared_ptr<BlockGrid> with_bounds(const BlockGrid& g, std::vector<std::size_t> rows,
                                       std::vector<std::size_t> cols) {
  if (rows == g.row_starts && cols == g.col_starts) return std::make_shared<BlockGrid>(g);
  return regrid(g, 0, g.rows(), 0, g.cols(), std::move(rows), std::move(cols));
}
}  // namespace detail

Array::Array() : grid_(std::make_shared<BlockGrid>()) {}
Array::Array(std::shared_ptr<const BlockGrid> grid) : grid_(std::move(grid)) {}

Shape Array::shape() const { return {grid_->rows(), grid_->cols()}; }
Shape Array::block_shape() const {
  if (grid_->blocks.empty()) return {0, 0};
  return {grid_->block_height(0), grid_->block_width(0)};
}
Shape Array::n_blocks() const { return {grid_->n_block_rows(), grid_->n_block_cols()}; }

Matrix Array::collect() const {
  const BlockGrid& g = *grid_;
  Matrix m(g.rows(), std::vector<double>(g.cols()));
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    for (std::size_t j = 0; j < g.n_block_cols(); ++j) {
      const Block& b = g.block(i, j).get();
      for (std::size_t r = 0; r < detail::block_rows(b); ++r)
        std::copy(&detail::at(b, r, 0), &detail::at(b, r, 0) + detail::block_cols(b),
                  m[g.row_starts[i] + r].begin() + static_cast<long>(g.col_starts[j]));
    }
  return m;
}

Array Array::slice(std::size_t row_begin, std::size_t row_end, std::size_t col_begin,
                   std::size_t col_end) const {
  const BlockGrid& g = *grid_;
  if (row_begin > row_end || row_end > g.rows() || col_begin > col_end || col_end > g.cols())
    throw compss::Error("dislib: slice [" + std::to_string(row_begin) + ":" +
                        std::to_string(row_end) + ", " + std::to_string(col_begin) + ":" +
                        std::to_string(col_end) + "] outside an array of shape " +
                        std::to_string(g.rows()) + "x" + std::to_string(g.cols()));
  return Array(detail::regrid(g, row_begin, row_end, col_begin, col_end,
                              detail::starts_within(g.row_starts, row_begin, row_end),
                              detail::starts_within(g.col_starts, col_begin, col_end)));
}
Array Array::slice_rows(std::size_t begin, std::size_t end) const {
  return slice(begin, end, 0, cols());
}
Array Array::slice_cols(std::size_t begin, std::size_t end) const {
  return slice(0, rows(), begin, end);
}

Array Array::rechunk(Shape block_shape) const {
  detail::check_block_shape(shape(), block_shape, "rechunk");
  return Array(detail::with_bounds(*grid_, detail::regular_starts(rows(), block_shape.rows),
                                   detail::regular_starts(cols(), block_shape.cols)));
}

Array Array::transpose() const {
  const BlockGrid& g = *grid_;
  auto out = detail::empty_grid(g.col_starts, g.row_starts);
  for (std::size_t j = 0; j < g.n_block_cols(); ++j)
    for (std::size_t i = 0; i < g.n_block_rows(); ++i)
      out->blocks.push_back(detail::transpose_block(g.block(i, j)));
  return Array(out);
}

namespace {

Array elementwise(const Array& a, const Array& b, int op) {
  if (a.shape() != b.shape())
    throw compss::Error("dislib: element-wise operation of arrays of shapes " +
                        std::to_string(a.rows()) + "x" + std::to_string(a.cols()) + " and " +
                        std::to_string(b.rows()) + "x" + std::to_string(b.cols()));
  const BlockGrid& g = a.grid();
  auto bg = detail::with_bounds(b.grid(), g.row_starts, g.col_starts);
  auto out = detail::empty_grid(g.row_starts, g.col_starts);
  for (std::size_t k = 0; k < g.blocks.size(); ++k)
    out->blocks.push_back(detail::binary_op_block(g.blocks[k], bg->blocks[k], op));
  return Array(out);
}

Array with_scalar(const Array& a, double s, int op) {
  const BlockGrid& g = a.grid();
  auto out = detail::empty_grid(g.row_starts, g.col_starts);
  for (const BlockFuture& b : g.blocks) out->blocks.push_back(detail::scalar_op_block(b, s, op));
  return Array(out);
}

// Reduces every block along `axis`, combines the partials of each line of blocks and
// finishes them (mean divides by the count of the reduced axis).
Array reduce_along(const Array& a, int axis, int reduction) {
  if (axis != 0 && axis != 1)
    throw compss::Error("dislib: axis must be 0 or 1, not " + std::to_string(axis));
  const BlockGrid& g = a.grid();
  const double count = static_cast<double>(axis == 0 ? g.rows() : g.cols());
  if (g.blocks.empty()) return Array();
  const std::size_t lines = axis == 0 ? g.n_block_cols() : g.n_block_rows();
  const std::size_t along = axis == 0 ? g.n_block_rows() : g.n_block_cols();
  auto out = axis == 0 ? detail::empty_grid({0, 1}, g.col_starts)
                       : detail::empty_grid(g.row_starts, {0, 1});
  for (std::size_t l = 0; l < lines; ++l) {
    std::vector<BlockFuture> parts;
    for (std::size_t k = 0; k < along; ++k) {
      const BlockFuture& b = axis == 0 ? g.block(k, l) : g.block(l, k);
      parts.push_back(detail::reduce_block(b, axis, reduction));
    }
    BlockFuture combined = detail::reduce_tree(std::move(parts), reduction);
    if (reduction == detail::red_mean || reduction == detail::red_norm)
      combined = detail::finish_reduce_block(combined, reduction, count);
    out->blocks.push_back(combined);
  }
  return Array(out);
}

}  // namespace

Array operator+(const Array& a, const Array& b) { return elementwise(a, b, detail::op_add); }
Array operator-(const Array& a, const Array& b) { return elementwise(a, b, detail::op_sub); }
Array operator*(const Array& a, const Array& b) { return elementwise(a, b, detail::op_mul); }
Array operator/(const Array& a, const Array& b) { return elementwise(a, b, detail::op_div); }
Array operator+(const Array& a, double s) { return with_scalar(a, s, detail::op_add); }
Array operator-(const Array& a, double s) { return with_scalar(a, s, detail::op_sub); }
Array operator*(const Array& a, double s) { return with_scalar(a, s, detail::op_mul); }
Array operator/(const Array& a, double s) { return with_scalar(a, s, detail::op_div); }
Array Array::pow(double exponent) const { return with_scalar(*this, exponent, detail::op_pow); }

Array Array::sum(int axis) const { return reduce_along(*this, axis, detail::red_sum); }
Array Array::mean(int axis) const { return reduce_along(*this, axis, detail::red_mean); }
Array Array::min(int axis) const { return reduce_along(*this, axis, detail::red_min); }
Array Array::max(int axis) const { return reduce_along(*this, axis, detail::red_max); }
Array Array::norm(int axis) const { return reduce_along(*this, axis, detail::red_norm); }

Array matmul(const Array& a, const Array& b) {
  if (a.cols() != b.rows())
    throw compss::Error("dislib: matmul of " + std::to_string(a.rows()) + "x" +
                        std::to_string(a.cols()) + " and " + std::to_string(b.rows()) + "x" +
                        std::to_string(b.cols()) + ": inner sizes differ");
  const BlockGrid& ag = a.grid();
  auto bg = detail::with_bounds(b.grid(), ag.col_starts, b.grid().col_starts);
  auto out = detail::empty_grid(ag.row_starts, bg->col_starts);
  for (std::size_t i = 0; i < ag.n_block_rows(); ++i)
    for (std::size_t j = 0; j < bg->n_block_cols(); ++j) {
      BlockFuture c;
      for (std::size_t k = 0; k < ag.n_block_cols(); ++k) {
        if (!c.valid())
          c = detail::gemm_block(ag.block(i, k), bg->block(k, j));
        else
          c = detail::gemm_add_block(c, ag.block(i, k), bg->block(k, j));
      }
      if (!c.valid()) c = detail::fill_block(ag.block_height(i), bg->block_width(j), 0.0);
      out->blocks.push_back(c);
    }
  return Array(out);
}

Array full(Shape shape, Shape block_shape, double value) {
  detail::check_block_shape(shape, block_shape, "full");
  auto g = detail::empty_grid(detail::regular_starts(shape.rows, block_shape.rows),
                              detail::regular_starts(shape.cols, block_shape.cols));
  for (std::size_t i = 0; i < g->n_block_rows(); ++i)
    for (std::size_t j = 0; j < g->n_block_cols(); ++j)
      g->blocks.push_back(detail::fill_block(g->block_height(i), g->block_width(j), value));
  return Array(g);
}

Array zeros(Shape shape, Shape block_shape) { return full(shape, block_shape, 0.0); }

Array identity(std::size_t n, Shape block_shape) {
  detail::check_block_shape({n, n}, block_shape, "identity");
  auto g = detail::empty_grid(detail::regular_starts(n, block_shape.rows),
                              detail::regular_starts(n, block_shape.cols));
  for (std::size_t i = 0; i < g->n_block_rows(); ++i)
    for (std::size_t j = 0; j < g->n_block_cols(); ++j)
      g->blocks.push_back(detail::identity_block(
          g->block_height(i), g->block_width(j),
          static_cast<long long>(g->col_starts[j]) - static_cast<long long>(g->row_starts[i])));
  return Array(g);
}

Array random_array(Shape shape, Shape block_shape, unsigned long long seed) {
  detail::check_block_shape(shape, block_shape, "random_array");
  auto g = detail::empty_grid(detail::regular_starts(shape.rows, block_shape.rows),
                              detail::regular_starts(shape.cols, block_shape.cols));
  for (std::size_t i = 0; i < g->n_block_rows(); ++i)
    for (std::size_t j = 0; j < g->n_block_cols(); ++j) {
      // splitmix64-style mixing of (seed, i, j): distinct, well-spread seeds per block.
      unsigned long long z = seed + 0x9E3779B97F4A7C15ULL * (i * g->n_block_cols() + j + 1);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      z ^= z >> 31;
      g->blocks.push_back(detail::random_block(g->block_height(i), g->block_width(j), z));
    }
  return Array(g);
}

Array array(const Matrix& rows, Shape block_shape) {
  const std::size_t d = rows.empty() ? 0 : rows.front().size();
  detail::check_block_shape({rows.size(), d}, block_shape, "array");
  detail::GridBuilder builder(d, block_shape);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != d)
      throw compss::Error("dislib: array: row " + std::to_string(r) + " has " +
                          std::to_string(rows[r].size()) + " values, row 0 has " +
                          std::to_string(d));
    builder.add_row(rows[r].data());
  }
  return builder.finish();
}

Array apply_along_axis(const std::string& name, int axis, const Array& a) {
  if (axis != 0 && axis != 1)
    throw compss::Error("dislib: apply_along_axis: axis must be 0 or 1, not " +
                        std::to_string(axis));
  detail::find_function(name);  // unknown on the master: say so now, not in a task
  // Each task needs whole lines: one block along the axis.
  const Array whole = axis == 0 ? a.rechunk({std::max<std::size_t>(a.rows(), 1), a.block_shape().cols})
                                : a.rechunk({a.block_shape().rows, std::max<std::size_t>(a.cols(), 1)});
  const BlockGrid& g = whole.grid();
  std::vector<BlockFuture> results;
  for (const BlockFuture& b : g.blocks) results.push_back(detail::apply_block(b, axis, name));
  // The result's extent along the axis is the function's output length: known once one
  // block is done (the same for all, or apply_block fails).
  const std::size_t width = results.empty() ? 0
                            : axis == 0     ? detail::block_rows(results.front().get())
                                            : detail::block_cols(results.front().get());
  if (width == 0) return Array();
  auto out = axis == 0 ? detail::empty_grid({0, width}, g.col_starts)
                       : detail::empty_grid(g.row_starts, {0, width});
  out->blocks = std::move(results);
  return Array(out);
}

}  // namespace dislib
