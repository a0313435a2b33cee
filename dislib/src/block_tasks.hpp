// The block tasks of dislib::Array: each takes blocks (and plain numbers) and returns a
// new block, so every block of every array is a task's result (a compss::Future<Block>).
// Declared here with their pragmas so that every .cpp of dislib that calls them (compiled
// by compss-cc) turns the calls into tasks; defined in block_tasks.cpp.
#pragma once

#include "block.hpp"

#include <cstddef>
#include <string>

namespace dislib::detail {

/// Element-wise operations (binary_op_block, scalar_op_block).
enum Op : int { op_add = 0, op_sub, op_mul, op_div, op_pow, op_rsub, op_rdiv };
/// Reductions (reduce_block, merge_blocks, finish_reduce_block). merge_blocks combines
/// partials: sum, mean and norm partials add, min and max ones take the min / max.
enum Reduction : int { red_sum = 0, red_mean, red_min, red_max, red_norm };

#pragma compss task
Block fill_block(std::size_t rows, std::size_t cols, double value);

/// 1 where (global row) == (global column), that is where r - c == col0 - row0.
#pragma compss task
Block identity_block(std::size_t rows, std::size_t cols, long long col0_minus_row0);

/// Uniform [0, 1) values from a generator seeded with `seed` (already mixed with the
/// block's position by the caller).
#pragma compss task
Block random_block(std::size_t rows, std::size_t cols, unsigned long long seed);

#pragma compss task
Block binary_op_block(const Block& a, const Block& b, int op);

#pragma compss task
Block scalar_op_block(const Block& a, double s, int op);

#pragma compss task
Block transpose_block(const Block& a);

/// a @ b (cblas_dgemm).
#pragma compss task
Block gemm_block(const Block& a, const Block& b);

/// c + a @ b (cblas_dgemm with beta = 1 on a copy of c).
#pragma compss task
Block gemm_add_block(const Block& c, const Block& a, const Block& b);

/// The block's partial of a reduction along `axis`: 1 x cols (axis 0) or rows x 1.
#pragma compss task
Block reduce_block(const Block& a, int axis, int reduction);

/// Combines up to eight partials of the same shape (empty blocks are unused slots): the
/// node of a reduction tree of arity <= 8.
#pragma compss task
Block merge_blocks(const Block& p0, const Block& p1, const Block& p2, const Block& p3,
                   const Block& p4, const Block& p5, const Block& p6, const Block& p7,
                   int reduction);

/// The reduction's final value from its combined partial: mean divides by `count`, norm
/// takes the square root.
#pragma compss task
Block finish_reduce_block(const Block& a, int reduction, double count);

/// Rows [r0, r1) and columns [c0, c1) of a block.
#pragma compss task
Block slice_block(const Block& a, std::size_t r0, std::size_t r1, std::size_t c0,
                  std::size_t c1);

/// 1 x 2: [rows where a's first column equals b's, rows] (a classifier's score per block).
#pragma compss task
Block equal_count_block(const Block& a, const Block& b);

/// The rows of a with the given indices (local to the block), in that order.
#pragma compss task
Block take_rows_block(const Block& a, std::vector<std::size_t> rows);

#pragma compss task
Block vstack_blocks(const Block& top, const Block& bottom);

#pragma compss task
Block hstack_blocks(const Block& left, const Block& right);

/// The function registered as `name` (register_function) along `axis` of the block.
#pragma compss task
Block apply_block(const Block& a, int axis, std::string name);

/// Per column j of x (whose first column is column col0 of the array):
/// mode 0: (x - shift[col0 + j]) / scale[col0 + j]; mode 1: x * scale[...] + shift[...].
/// shift and scale are 1 x n rows.
#pragma compss task
Block column_affine_block(const Block& x, const Block& shift, const Block& scale,
                          std::size_t col0, int mode);

/// 1 x cols: sum over the rows of (x - mean[col0 + j])^2.
#pragma compss task
Block centered_square_sum_block(const Block& x, const Block& mean, std::size_t col0);

/// cols x cols: (x - mean)^T (x - mean) (cblas_dsyrk); x holds every column.
#pragma compss task
Block centered_gram_block(const Block& x, const Block& mean);

/// (x - shift) @ mat + add, where shift (1 x cols) and add (1 x mat cols) may be empty
/// blocks (no shift, nothing added); x holds every column (cblas_dgemm).
#pragma compss task
Block affine_gemm_block(const Block& x, const Block& shift, const Block& mat,
                        const Block& add);

}  // namespace dislib::detail
