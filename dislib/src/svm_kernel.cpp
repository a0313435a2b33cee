// Kernel matrices in GEMM form: ||a||^2 + ||b||^2 - 2 a.b for the rbf kernel.
#include "svm_kernel.hpp"
#include "blas_memory.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace dislib::detail {

namespace {
std::vector<double> squared_norms(RowsView m) {
  std::vector<double> norms(m.rows);
  for (std::size_t i = 0; i < m.rows; ++i)
    norms[i] = cblas_ddot(static_cast<int>(m.cols), m.data + i * m.stride, 1,
                          m.data + i * m.stride, 1);
  return norms;
}
}  // namespace

void kernel_matrix(RowsView a, RowsView b, int kernel, double gamma, double* out) {
  if (a.rows == 0 || b.rows == 0) return;
  if (a.cols == 0) {
    std::fill(out, out + a.rows * b.rows, kernel == kernel_rbf ? 1.0 : 0.0);
    return;
  }
  const BlasMemoryGuard blas_memory;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(a.rows),
              static_cast<int>(b.rows), static_cast<int>(a.cols), 1.0, a.data,
              static_cast<int>(a.stride), b.data, static_cast<int>(b.stride), 0.0, out,
              static_cast<int>(b.rows));
  if (kernel != kernel_rbf) return;
  const std::vector<double> na = squared_norms(a), nb = squared_norms(b);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t j = 0; j < b.rows; ++j) {
      double& k = out[i * b.rows + j];
      k = std::exp(-gamma * std::max(0.0, na[i] + nb[j] - 2.0 * k));
    }
}

}  // namespace dislib::detail
