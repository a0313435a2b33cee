// dislib::KNeighborsClassifier: brute-force k nearest neighbours, as scikit-learn's.
#pragma once

#include <compss/dislib/array.hpp>
#include <compss/dislib/score.hpp>
#include <compss/future.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dislib {

/// kneighbors' result: per query row, its k nearest training rows, nearest first.
struct Neighbors {
  Array distances;  ///< queries x k Euclidean distances (scikit-learn's neigh_dist)
  Array indices;    ///< queries x k row numbers in the training data (neigh_ind), as doubles
};

/// scikit-learn's KNeighborsClassifier parameters that apply (weights "uniform",
/// algorithm "brute", Euclidean metric: the only ones offered).
struct KNeighborsClassifierParams {
  std::size_t n_neighbors = 5;
};

/// k-nearest-neighbour vote. predict: for each query row block and each training row
/// block, one task finds the block's k nearest training rows of every query (squared
/// distances in GEMM form, cblas_dgemm); the candidates of the training blocks are merged
/// two at a time in a tree, and a last task per query block takes the majority label (ties:
/// the smallest label, as scikit-learn's).
///
///   dislib::KNeighborsClassifier knn({.n_neighbors = 3});
///   knn.fit(x_train, y_train);                     // y: n x 1 class labels
///   dislib::Array predicted = knn.predict(x_test);
///   double accuracy = knn.score(x_test, y_test);
///   dislib::Neighbors nb = knn.kneighbors(x_test);   // distances and training rows
///   dislib::Array proba = knn.predict_proba(x_test); // n x classes().size()
class KNeighborsClassifier {
 public:
  explicit KNeighborsClassifier(KNeighborsClassifierParams params = {});
  /// Keeps the training data (its blocks are shared, not copied).
  KNeighborsClassifier& fit(const Array& x, const Array& y);
  Array predict(const Array& x) const;
  /// scikit-learn's predict_proba with uniform weights: per query row, the fraction of its
  /// k nearest training rows of each class, columns in classes() order. Waits for
  /// classes() (the output's width), then one task per query row block after predict's.
  Array predict_proba(const Array& x) const;
  /// The labels seen in fit, ascending (scikit-learn's classes_); waits for them (fit
  /// submits one task per training row block and a merge tree).
  std::vector<double> classes() const;
  /// The fraction of rows whose predicted label equals y's (waits for it).
  double score(const Array& x, const Array& y) const;
  /// score's tasks submitted, the result not waited for (GridSearchCV scores every
  /// candidate this way before waiting).
  PendingScore score_async(const Array& x, const Array& y) const;
  /// scikit-learn's kneighbors(X, n_neighbors): the n_neighbors (unset: the model's)
  /// nearest training rows of each row of x; ties go to the smaller training row. Tasks as
  /// predict's, then one per query block for each output.
  Neighbors kneighbors(const Array& x, std::optional<std::size_t> n_neighbors = {}) const;

  const KNeighborsClassifierParams& params() const { return params_; }

  /// A fitted KNN is its training data: save writes x and y into the model file (collects
  /// them), load makes them arrays again with the same row blocks.
  void save(const std::string& path) const;
  static KNeighborsClassifier load(const std::string& path);

 private:
  /// Per block row of q (whole rows): the candidates block of its k nearest training rows.
  std::vector<compss::Future<std::vector<double>>> candidates(const Array& q,
                                                              std::size_t k) const;

  KNeighborsClassifierParams params_;
  Array x_, y_;
  compss::Future<std::vector<double>> classes_;  ///< a 1 x m block of the distinct labels
  bool fitted_ = false;
};

}  // namespace dislib
