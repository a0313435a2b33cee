// dislib::KNeighborsClassifier: brute-force k nearest neighbours, as scikit-learn's.
#pragma once

#include <compss/dislib/array.hpp>

#include <cstddef>
#include <string>

namespace dislib {

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
class KNeighborsClassifier {
 public:
  explicit KNeighborsClassifier(KNeighborsClassifierParams params = {});
  /// Keeps the training data (its blocks are shared, not copied).
  KNeighborsClassifier& fit(const Array& x, const Array& y);
  Array predict(const Array& x) const;
  /// The fraction of rows whose predicted label equals y's.
  double score(const Array& x, const Array& y) const;

 private:
  KNeighborsClassifierParams params_;
  Array x_, y_;
  bool fitted_ = false;
};

}  // namespace dislib
