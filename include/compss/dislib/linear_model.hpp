// dislib::LinearRegression: ordinary least squares, as scikit-learn's.
#pragma once

#include <compss/dislib/array.hpp>

#include <string>
#include <vector>

namespace dislib {

/// scikit-learn's LinearRegression parameters that apply.
struct LinearRegressionParams {
  bool fit_intercept = true;
};

/// Least squares y ~ x coef^T + intercept. fit: the means of x and y, then
/// Z^T Z of the centred [x y] per row block (cblas_dsyrk tasks, combined in a tree), and
/// on the master the d x d normal equations solved by LAPACKE_dgelsd (least norm when x's
/// columns are dependent). Fine for the well-conditioned problems scikit-learn's lstsq
/// solves to the same digits; the normal equations square x's condition number.
///
///   dislib::LinearRegression lr;
///   lr.fit(x, y);                       // y: n x 1 (or n x targets)
///   dislib::Array y_hat = lr.predict(x);
class LinearRegression {
 public:
  explicit LinearRegression(LinearRegressionParams params = {}) : params_(params) {}
  LinearRegression& fit(const Array& x, const Array& y);
  Array predict(const Array& x) const;
  /// The coefficient of determination R^2 of predict(x) against y (the mean over targets).
  double score(const Array& x, const Array& y) const;

  /// scikit-learn's coef_ (targets x features) and intercept_ (one per target).
  const Matrix& coef() const;
  const std::vector<double>& intercept() const;

  void save(const std::string& path) const;
  static LinearRegression load(const std::string& path);

 private:
  void require_fitted(const char* what) const;
  LinearRegressionParams params_;
  Matrix coef_;
  std::vector<double> intercept_;
};

}  // namespace dislib
