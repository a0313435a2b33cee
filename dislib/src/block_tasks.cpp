// Bodies of the block tasks (block_tasks.hpp). Products go through OpenBLAS (cblas_dgemm,
// cblas_dsyrk); the loops left are the O(rows x cols) passes no BLAS routine does.
#include "block_tasks.hpp"
#include "blas_memory.hpp"

#include "function_registry.hpp"

#include <compss/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace dislib::detail {

namespace {

double apply_op(double x, double y, int op) {
  switch (op) {
    case op_add: return x + y;
    case op_sub: return x - y;
    case op_mul: return x * y;
    case op_div: return x / y;
    case op_pow: return std::pow(x, y);
    case op_rsub: return y - x;
    case op_rdiv: return y / x;
  }
  throw compss::Error("dislib: unknown element-wise operation " + std::to_string(op));
}

void require_same_shape(const Block& a, const Block& b, const char* what) {
  if (block_rows(a) != block_rows(b) || block_cols(a) != block_cols(b))
    throw compss::Error(std::string("dislib: ") + what + ": blocks of different shapes (" +
                        std::to_string(block_rows(a)) + "x" + std::to_string(block_cols(a)) +
                        " and " + std::to_string(block_rows(b)) + "x" +
                        std::to_string(block_cols(b)) + ")");
}

double reduction_identity(int reduction) {
  if (reduction == red_min) return std::numeric_limits<double>::infinity();
  if (reduction == red_max) return -std::numeric_limits<double>::infinity();
  return 0.0;
}

// Folds x into the accumulator acc the way partials of `reduction` combine.
double fold(double acc, double x, int reduction) {
  if (reduction == red_min) return std::min(acc, x);
  if (reduction == red_max) return std::max(acc, x);
  return acc + x;
}

// The contribution of one element (norm partials are sums of squares).
double element_term(double x, int reduction) { return reduction == red_norm ? x * x : x; }

}  // namespace

Block fill_block(std::size_t rows, std::size_t cols, double value) {
  Block b = make_block(rows, cols);
  std::fill(values(b), values(b) + rows * cols, value);
  return b;
}

Block identity_block(std::size_t rows, std::size_t cols, long long col0_minus_row0) {
  Block b = make_block(rows, cols);
  for (std::size_t r = 0; r < rows; ++r) {
    const long long c = static_cast<long long>(r) - col0_minus_row0;
    if (c >= 0 && c < static_cast<long long>(cols)) at(b, r, static_cast<std::size_t>(c)) = 1.0;
  }
  return b;
}

Block random_block(std::size_t rows, std::size_t cols, unsigned long long seed) {
  Block b = make_block(rows, cols);
  std::mt19937_64 gen(seed);
  // Doubles from the top 53 bits: the same values with every standard library (the
  // distributions of <random> are not specified bit for bit).
  for (std::size_t e = 0; e < rows * cols; ++e)
    values(b)[e] = static_cast<double>(gen() >> 11) * 0x1.0p-53;
  return b;
}

Block binary_op_block(const Block& a, const Block& b, int op) {
  require_same_shape(a, b, "element-wise operation");
  Block c = make_block(block_rows(a), block_cols(a));
  const std::size_t n = block_rows(a) * block_cols(a);
  for (std::size_t e = 0; e < n; ++e) values(c)[e] = apply_op(values(a)[e], values(b)[e], op);
  return c;
}

Block scalar_op_block(const Block& a, double s, int op) {
  Block c = make_block(block_rows(a), block_cols(a));
  const std::size_t n = block_rows(a) * block_cols(a);
  for (std::size_t e = 0; e < n; ++e) values(c)[e] = apply_op(values(a)[e], s, op);
  return c;
}

Block transpose_block(const Block& a) {
  const std::size_t rows = block_rows(a), cols = block_cols(a);
  Block t = make_block(cols, rows);
  if (rows * cols == 0) return t;
  cblas_domatcopy(CblasRowMajor, CblasTrans, static_cast<int>(rows), static_cast<int>(cols),
                  1.0, values(a), static_cast<int>(cols), values(t), static_cast<int>(rows));
  return t;
}

namespace {
// c (m x n) = a @ b + beta * c.
void gemm_into(const Block& a, const Block& b, double beta, Block& c) {
  const std::size_t m = block_rows(a), k = block_cols(a), n = block_cols(b);
  if (block_rows(b) != k)
    throw compss::Error("dislib: matmul: inner block sizes differ (" + std::to_string(k) +
                        " and " + std::to_string(block_rows(b)) + ")");
  if (m == 0 || n == 0) return;
  if (k == 0) return;
  const BlasMemoryGuard blas_memory;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), 1.0, values(a), static_cast<int>(k),
              values(b), static_cast<int>(n), beta, values(c), static_cast<int>(n));
}
}  // namespace

Block gemm_block(const Block& a, const Block& b) {
  Block c = make_block(block_rows(a), block_cols(b));
  gemm_into(a, b, 0.0, c);
  return c;
}

Block gemm_add_block(const Block& c, const Block& a, const Block& b) {
  Block out = c;
  if (block_rows(out) != block_rows(a) || block_cols(out) != block_cols(b))
    throw compss::Error("dislib: matmul: accumulator block has the wrong shape");
  gemm_into(a, b, 1.0, out);
  return out;
}

Block reduce_block(const Block& a, int axis, int reduction) {
  const std::size_t rows = block_rows(a), cols = block_cols(a);
  const double init = reduction_identity(reduction);
  if (axis == 0) {
    Block p = make_block(1, cols);
    std::fill(values(p), values(p) + cols, init);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c)
        values(p)[c] = fold(values(p)[c], element_term(at(a, r, c), reduction), reduction);
    return p;
  }
  Block p = make_block(rows, 1);
  for (std::size_t r = 0; r < rows; ++r) {
    double acc = init;
    for (std::size_t c = 0; c < cols; ++c)
      acc = fold(acc, element_term(at(a, r, c), reduction), reduction);
    values(p)[r] = acc;
  }
  return p;
}

Block merge_blocks(const Block& p0, const Block& p1, const Block& p2, const Block& p3,
                   const Block& p4, const Block& p5, const Block& p6, const Block& p7,
                   int reduction) {
  const Block* parts[] = {&p0, &p1, &p2, &p3, &p4, &p5, &p6, &p7};
  const Block* first = nullptr;
  for (const Block* p : parts)
    if (!block_empty(*p)) {
      first = p;
      break;
    }
  if (first == nullptr) return empty_block();
  Block out = *first;
  const std::size_t n = block_rows(out) * block_cols(out);
  for (const Block* p : parts) {
    if (p == first || block_empty(*p)) continue;
    require_same_shape(out, *p, "reduction");
    for (std::size_t e = 0; e < n; ++e) values(out)[e] = fold(values(out)[e], values(*p)[e], reduction);
  }
  return out;
}

Block equal_count_block(const Block& a, const Block& b) {
  if (block_rows(a) != block_rows(b) || block_cols(a) == 0 || block_cols(b) == 0)
    throw compss::Error("dislib: score: predictions and labels of different rows");
  Block out = make_block(1, 2);
  for (std::size_t r = 0; r < block_rows(a); ++r) values(out)[0] += at(a, r, 0) == at(b, r, 0);
  values(out)[1] = static_cast<double>(block_rows(a));
  return out;
}

Block finish_reduce_block(const Block& a, int reduction, double count) {
  Block out = a;
  const std::size_t n = block_rows(out) * block_cols(out);
  for (std::size_t e = 0; e < n; ++e) {
    if (reduction == red_mean) values(out)[e] /= count;
    if (reduction == red_norm) values(out)[e] = std::sqrt(values(out)[e]);
  }
  return out;
}

Block slice_block(const Block& a, std::size_t r0, std::size_t r1, std::size_t c0,
                  std::size_t c1) {
  if (r1 > block_rows(a) || c1 > block_cols(a) || r0 > r1 || c0 > c1)
    throw compss::Error("dislib: slice outside its block");
  Block s = make_block(r1 - r0, c1 - c0);
  for (std::size_t r = r0; r < r1; ++r)
    std::copy(&at(a, r, c0), &at(a, r, c0) + (c1 - c0), &at(s, r - r0, 0));
  return s;
}

Block take_rows_block(const Block& a, std::vector<std::size_t> rows) {
  const std::size_t cols = block_cols(a);
  Block out = make_block(rows.size(), cols);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r] >= block_rows(a)) throw compss::Error("dislib: take_rows outside its block");
    std::copy_n(&at(a, rows[r], 0), cols, &at(out, r, 0));
  }
  return out;
}

Block vstack_blocks(const Block& top, const Block& bottom) {
  if (block_empty(top)) return bottom;
  if (block_empty(bottom)) return top;
  if (block_cols(top) != block_cols(bottom))
    throw compss::Error("dislib: vstack of blocks with different column counts");
  Block s = make_block(block_rows(top) + block_rows(bottom), block_cols(top));
  std::copy(values(top), values(top) + block_rows(top) * block_cols(top), values(s));
  std::copy(values(bottom), values(bottom) + block_rows(bottom) * block_cols(bottom),
            values(s) + block_rows(top) * block_cols(top));
  return s;
}

Block hstack_blocks(const Block& left, const Block& right) {
  if (block_empty(left)) return right;
  if (block_empty(right)) return left;
  if (block_rows(left) != block_rows(right))
    throw compss::Error("dislib: hstack of blocks with different row counts");
  const std::size_t lc = block_cols(left), rc = block_cols(right);
  Block s = make_block(block_rows(left), lc + rc);
  for (std::size_t r = 0; r < block_rows(left); ++r) {
    std::copy(&at(left, r, 0), &at(left, r, 0) + lc, &at(s, r, 0));
    std::copy(&at(right, r, 0), &at(right, r, 0) + rc, &at(s, r, lc));
  }
  return s;
}

Block apply_block(const Block& a, int axis, std::string name) {
  const AxisFunction& f = find_function(name);
  const std::size_t rows = block_rows(a), cols = block_cols(a);
  const std::size_t lines = axis == 0 ? cols : rows;
  const std::size_t length = axis == 0 ? rows : cols;
  std::vector<double> line(length);
  Block out;
  std::size_t width = 0;
  for (std::size_t l = 0; l < lines; ++l) {
    for (std::size_t e = 0; e < length; ++e) line[e] = axis == 0 ? at(a, e, l) : at(a, l, e);
    std::vector<double> result = f(line.data(), length);
    if (l == 0) {
      width = result.size();
      out = axis == 0 ? make_block(width, cols) : make_block(rows, width);
    } else if (result.size() != width) {
      throw compss::Error("dislib: apply_along_axis: function '" + name + "' returned " +
                          std::to_string(result.size()) + " values for one line and " +
                          std::to_string(width) + " for another");
    }
    for (std::size_t e = 0; e < width; ++e) (axis == 0 ? at(out, e, l) : at(out, l, e)) = result[e];
  }
  if (lines == 0) out = axis == 0 ? make_block(0, cols) : make_block(rows, 0);
  return out;
}

Block column_affine_block(const Block& x, const Block& shift, const Block& scale,
                          std::size_t col0, int mode) {
  Block out = x;
  const std::size_t rows = block_rows(x), cols = block_cols(x);
  const double* sh = values(shift) + col0;
  const double* sc = values(scale) + col0;
  for (std::size_t r = 0; r < rows; ++r) {
    double* row = &at(out, r, 0);
    if (mode == 0) {
      for (std::size_t c = 0; c < cols; ++c) row[c] = (row[c] - sh[c]) / sc[c];
    } else {
      for (std::size_t c = 0; c < cols; ++c) row[c] = row[c] * sc[c] + sh[c];
    }
  }
  return out;
}

Block centered_square_sum_block(const Block& x, const Block& mean, std::size_t col0) {
  const std::size_t rows = block_rows(x), cols = block_cols(x);
  Block p = make_block(1, cols);
  const double* mu = values(mean) + col0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const double d = at(x, r, c) - mu[c];
      values(p)[c] += d * d;
    }
  return p;
}

namespace {
// x - mean (mean a 1 x cols row), as a new block.
Block centered(const Block& x, const Block& mean) {
  Block out = x;
  if (block_empty(mean)) return out;
  const std::size_t rows = block_rows(x), cols = block_cols(x);
  if (block_cols(mean) != cols)
    throw compss::Error("dislib: centring a block of " + std::to_string(cols) +
                        " columns by a mean of " + std::to_string(block_cols(mean)));
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) at(out, r, c) -= values(mean)[c];
  return out;
}
}  // namespace

Block centered_gram_block(const Block& x, const Block& mean) {
  const Block xc = centered(x, mean);
  const std::size_t rows = block_rows(xc), cols = block_cols(xc);
  Block g = make_block(cols, cols);
  if (rows == 0 || cols == 0) return g;
  const BlasMemoryGuard blas_memory;
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, static_cast<int>(cols),
              static_cast<int>(rows), 1.0, values(xc), static_cast<int>(cols), 0.0, values(g),
              static_cast<int>(cols));
  for (std::size_t r = 0; r < cols; ++r)
    for (std::size_t c = 0; c < r; ++c) at(g, r, c) = at(g, c, r);
  return g;
}

Block affine_gemm_block(const Block& x, const Block& shift, const Block& mat,
                        const Block& add) {
  Block out = make_block(block_rows(x), block_cols(mat));
  if (!block_empty(add)) {
    if (block_cols(add) != block_cols(mat))
      throw compss::Error("dislib: affine_gemm: offset of the wrong width");
    for (std::size_t r = 0; r < block_rows(out); ++r)
      std::copy(values(add), values(add) + block_cols(add), &at(out, r, 0));
  }
  gemm_into(centered(x, shift), mat, 1.0, out);
  return out;
}

}  // namespace dislib::detail
