// One binary SVM solved by LIBSVM (Debian's libsvm-dev, the solver inside scikit-learn's
// SVC): C-SVC with the given kernel, tolerance 1e-3 and shrinking, as SVC's defaults.
#pragma once

#include "svm_kernel.hpp"

#include <cstddef>
#include <vector>

namespace dislib::detail {

/// The solution: which rows are support vectors (ascending), their coefficients
/// y_i alpha_i, and rho (decision(x) = sum coef_i K(sv_i, x) - rho; positive: class +1).
struct SvmSolution {
  std::vector<std::size_t> support;
  std::vector<double> coef;
  double rho = 0;
};

/// Trains on the rows of x with labels y (+1 or -1, at least one of each). Thread-safe
/// (LIBSVM's progress printing is silenced once per process). Throws compss::Error when
/// LIBSVM rejects the parameters.
SvmSolution solve_svm(RowsView x, const std::vector<double>& y, int kernel, double c,
                      double gamma);

}  // namespace dislib::detail
