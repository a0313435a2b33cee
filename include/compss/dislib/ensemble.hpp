// dislib::RandomForestClassifier: a forest of decision trees, one task per tree.
#pragma once

#include <compss/dislib/array.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dislib {

/// scikit-learn's RandomForestClassifier parameters that apply (criterion "gini",
/// max_features "sqrt", bootstrap samples of n rows: scikit-learn's defaults, the only
/// ones offered), in its order.
struct RandomForestClassifierParams {
  std::size_t n_estimators = 100;
  std::optional<std::size_t> max_depth;  ///< unset: grow until leaves are pure
  std::size_t min_samples_split = 2;
  std::uint64_t random_state = 0;        ///< seeds every tree (tree t: (random_state, t))
};

/// Random forest. fit: the row blocks are gathered into one training block by a task
/// (a tree needs every row), then one task per tree grows a CART tree (Gini impurity,
/// best split over sqrt(n_features) features drawn at each node) on a bootstrap sample;
/// the trees are joined into the forest by a tree of tasks. predict: one task per row
/// block averages the trees' class fractions and takes the most probable class (ties: the
/// smallest label), as scikit-learn's.
///
///   dislib::RandomForestClassifier rf({.n_estimators = 50, .random_state = 1});
///   rf.fit(x, y);                        // y: n x 1 class labels
///   double accuracy = rf.score(x_test, y_test);
class RandomForestClassifier {
 public:
  explicit RandomForestClassifier(RandomForestClassifierParams params = {});
  RandomForestClassifier& fit(const Array& x, const Array& y);
  Array predict(const Array& x) const;
  /// The fraction of rows whose predicted label equals y's.
  double score(const Array& x, const Array& y) const;

  /// The labels seen in fit, ascending (scikit-learn's classes_).
  const std::vector<double>& classes() const;
  const RandomForestClassifierParams& params() const { return params_; }

  void save(const std::string& path) const;
  static RandomForestClassifier load(const std::string& path);

 private:
  void require_fitted(const char* what) const;

  RandomForestClassifierParams params_;
  std::vector<double> forest_;  ///< the trees (rf_tasks.hpp's layout); empty until fitted
  std::vector<double> classes_;
  std::size_t n_features_ = 0;
};

}  // namespace dislib
