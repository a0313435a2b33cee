// dislib::PCA: principal components from the covariance matrix (LAPACK dsyevd).
#pragma once

#include <compss/dislib/array.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dislib {

/// scikit-learn's PCA parameters that apply (n_components as a count; unset: all).
struct PCAParams {
  std::optional<std::size_t> n_components = {};
};

/// Principal component analysis. fit: the mean (a reduction), the covariance
/// sum of (x - mean)^T (x - mean) per row block (cblas_dsyrk tasks, combined in a tree)
/// divided by n - 1, then its eigenvectors on the master (LAPACKE_dsyevd, d x d).
/// Components equal scikit-learn's up to sign (each component here has its largest
/// entry positive); explained_variance() are the eigenvalues (scikit-learn's S^2 / (n-1)).
///
///   dislib::PCA pca({.n_components = 2});
///   dislib::Array z = pca.fit_transform(x);
class PCA {
 public:
  explicit PCA(PCAParams params = {}) : params_(params) {}
  PCA& fit(const Array& x);
  /// (x - mean) @ components^T, one cblas_dgemm task per row block.
  Array transform(const Array& x) const;
  Array fit_transform(const Array& x) { return fit(x).transform(x); }
  /// z @ components + mean (scikit-learn's inverse_transform), one cblas_dgemm task per
  /// row block: x itself when every component is kept.
  ///
  ///   dislib::Array back = pca.inverse_transform(z);
  Array inverse_transform(const Array& z) const;

  /// scikit-learn's components_ (n_components x n_features), explained_variance_,
  /// explained_variance_ratio_, singular_values_, mean_.
  const Matrix& components() const;
  const std::vector<double>& explained_variance() const;
  const std::vector<double>& explained_variance_ratio() const;
  const std::vector<double>& singular_values() const;
  const std::vector<double>& mean() const;

  void save(const std::string& path) const;
  static PCA load(const std::string& path);

 private:
  void require_fitted(const char* what) const;
  PCAParams params_;
  Matrix components_;
  std::vector<double> explained_variance_, explained_variance_ratio_, singular_values_, mean_;
};

}  // namespace dislib
