// dislib::KMeans: Lloyd's k-means on a dislib::Array, with scikit-learn's parameters.
#pragma once

#include <compss/dislib/array.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace dislib {

/// How KMeans chooses its first centres: "k-means++", "random", or given centres (a
/// Matrix or an Array of n_clusters rows).
///
///   dislib::KMeans km({.n_clusters = 3, .init = "random"});
///   dislib::KMeans km2({.n_clusters = 2, .init = dislib::Matrix{{0, 0}, {1, 1}}});
struct KMeansInit {
  std::string method = "k-means++";  ///< "k-means++", "random", or "array"
  Matrix centers;                    ///< the given centres when method is "array"
  KMeansInit() = default;
  KMeansInit(const char* m) : method(m) {}
  KMeansInit(std::string m) : method(std::move(m)) {}
  KMeansInit(Matrix c) : method("array"), centers(std::move(c)) {}
  KMeansInit(const Array& c) : method("array"), centers(c.collect()) {}
};

/// scikit-learn's KMeans parameters, in its order (n_init is always 1; copy_x, verbose and
/// algorithm do not apply), plus dislib's `arity` of the partial-sum reduction tree.
struct KMeansParams {
  std::size_t n_clusters = 8;
  KMeansInit init = {};
  std::size_t max_iter = 300;
  /// Relative tolerance: stop when the squared shift of the centres (summed) is at most
  /// tol x the mean of the features' variances (scikit-learn's rule).
  double tol = 1e-4;
  /// Seed of the initialisation ("k-means++", "random"); unset: a different seed per run.
  std::optional<unsigned long long> random_state = {};
  /// Partial sums are combined `arity` at a time (2..8).
  std::size_t arity = 8;
};

/// K-means clustering (Lloyd's algorithm). Each iteration submits one task per row block
/// of the data (distances in GEMM form, cblas_dgemm: ||x||^2 - 2 x.c + ||c||^2; each
/// point's cluster, and per cluster the sum of its points and their count; the squared
/// distances only in the final pass, for the inertia), combines the partials in a reduction tree and waits for the one result to
/// move the centres. Given the same initial centres it follows scikit-learn's iterations
/// (same stopping rule, same n_iter); an empty cluster keeps its centre (scikit-learn
/// moves it to a far point).
///
///   dislib::Array x = dislib::load_txt_file("points.csv", {10000, 2});
///   dislib::KMeans km({.n_clusters = 3, .init = "k-means++", .max_iter = 10,
///                      .tol = 1e-4, .random_state = 0});
///   km.fit(x);
///   double inertia = km.inertia();
///   dislib::Array labels = km.predict(x);
class KMeans {
 public:
  explicit KMeans(KMeansParams params = {});

  /// Computes the centres from x's rows.
  KMeans& fit(const Array& x);
  /// The index of the nearest centre of each row, as a rows x 1 array.
  Array predict(const Array& x) const;
  /// fit(x), then the labels of x.
  Array fit_predict(const Array& x);
  /// The distance of each row of x to each centre (rows x n_clusters; scikit-learn's
  /// transform): one cblas_dgemm task per row block.
  Array transform(const Array& x) const;
  /// fit(x), then transform(x).
  Array fit_transform(const Array& x) { return fit(x).transform(x); }
  /// scikit-learn's score: minus the sum of the squared distances of x's rows to their
  /// nearest centre (x's inertia under the fitted centres). Waits for the result.
  ///
  ///   double s = km.score(x_test);
  double score(const Array& x) const;

  const KMeansParams& params() const { return params_; }
  /// Fitted attributes (scikit-learn's cluster_centers_, inertia_, n_iter_, labels_).
  const Matrix& cluster_centers() const;
  double inertia() const;
  std::size_t n_iter() const;
  /// The labels of the data fit() was given (rows x 1): one task per row block the first
  /// time it is asked for.
  const Array& labels() const;

  /// Saves the parameters and fitted centres as JSON (docs/dislib.md, "Saving models").
  void save(const std::string& path) const;
  static KMeans load(const std::string& path);

 private:
  void require_fitted(const char* what) const;
  Array fitted_rows(const Array& x, const char* what) const;
  Array per_row_block(const Array& whole_rows_x, bool distances) const;
  double squared_distance_sum(const Array& whole_rows_x) const;

  KMeansParams params_;
  Matrix centers_;
  double inertia_ = 0;
  std::size_t n_iter_ = 0;
  std::optional<Array> fitted_x_;       // the data of the last fit (shares its blocks)
  mutable std::optional<Array> labels_;  // its labels, once asked for
};

}  // namespace dislib
