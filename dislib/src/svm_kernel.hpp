// Kernel matrices of the support vector machines (CascadeSVM's objective and decision
// function): K(a_i, b_j) for all rows of a and b, the products by one cblas_dgemm.
#pragma once

#include <cstddef>

namespace dislib::detail {

/// CascadeSVM's kernels (passed to tasks as an int).
enum SvmKernel : int { kernel_linear = 0, kernel_rbf = 1 };

/// Rows of a matrix in memory: `rows` rows of `cols` values, `stride` apart.
struct RowsView {
  const double* data;
  std::size_t rows, cols, stride;
};

/// out[i * b.rows + j] = K(a_i, b_j): a_i . b_j (linear) or exp(-gamma ||a_i - b_j||^2)
/// (rbf). a and b have the same number of columns.
void kernel_matrix(RowsView a, RowsView b, int kernel, double gamma, double* out);

}  // namespace dislib::detail
