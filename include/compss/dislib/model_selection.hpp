// dislib::KFold and dislib::GridSearchCV: cross-validation as scikit-learn's.
#pragma once

#include <compss/dislib/array.hpp>
#include <compss/dislib/score.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace dislib {

/// Rows [begin, end) of a, then rows of b: the arrays' blocks are shared (no task); b's
/// column blocks are rechunked to a's when they differ.
///
///   dislib::Array ab = dislib::concatenate_rows(a, b);
Array concatenate_rows(const Array& a, const Array& b);

/// One split of KFold: the training rows and the test rows of x and y.
struct Fold {
  Array x_train, y_train, x_test, y_test;
};

/// scikit-learn's KFold parameters.
struct KFoldParams {
  std::size_t n_splits = 5;
  /// Shuffle the rows before splitting them into folds, as scikit-learn's
  /// KFold(shuffle=True, random_state=random_state): the same permutation (numpy's
  /// RandomState(random_state).shuffle, reproduced), so the same folds.
  bool shuffle = false;
  std::uint32_t random_state = 0;  ///< used only with shuffle (scikit-learn's default: None)
};

/// K folds: fold i tests rows [start_i, end_i) of the row order (0..n-1, or the shuffled
/// one) and trains on the others; the first n % n_splits folds have one row more
/// (scikit-learn's sizes). Without shuffle the folds are slices, so blocks inside them
/// are shared, not copied; with shuffle each fold's rows keep their ascending order and
/// their row blocks (one take_rows_block task per block and column block).
///
///   for (const dislib::Fold& f : dislib::KFold({.n_splits = 3}).split(x, y)) ...
class KFold {
 public:
  explicit KFold(KFoldParams params = {});
  std::vector<Fold> split(const Array& x, const Array& y) const;
  std::size_t get_n_splits() const { return params_.n_splits; }
  /// The test rows of each fold, ascending (scikit-learn's split(X)'s test indices).
  std::vector<std::vector<std::size_t>> test_indices(std::size_t n_samples) const;

 private:
  KFoldParams params_;
};

/// Exhaustive search over candidate parameter sets, scored by cross-validation: for each
/// candidate and fold, Estimator(params).fit(x_train, y_train).score(x_test, y_test).
/// Every candidate's fit on every fold is submitted first, then every score, and the
/// master waits only for the scores: the candidates' tasks run in parallel. That holds for
/// estimators whose fit does not wait and that have score_async (KNeighborsClassifier,
/// RandomForestClassifier, CascadeSVM without the synchronize check, whose fit waits each
/// iteration by design); others (LinearRegression) are scored as their fit and score
/// wait. A CascadeSVM fit stopped by its convergence exception cancels only its own
/// group's tasks. The best candidate is the one of highest mean test score (the first on
/// ties, as scikit-learn's rank), refitted on all data.
///
///   dislib::GridSearchCV<dislib::KNeighborsClassifier, dislib::KNeighborsClassifierParams>
///       search({{.n_neighbors = 1}, {.n_neighbors = 5}}, dislib::KFold({.n_splits = 3}));
///   search.fit(x, y);
///   std::size_t k = search.best_params().n_neighbors;
template <class Estimator, class Params>
class GridSearchCV {
 public:
  GridSearchCV(std::vector<Params> param_grid, KFold cv = KFold())
      : param_grid_(std::move(param_grid)), cv_(cv) {}

  GridSearchCV& fit(const Array& x, const Array& y) {
    const std::vector<Fold> folds = cv_.split(x, y);
    std::vector<Estimator> fits;  // candidate-major: fits[c * folds + f]
    fits.reserve(param_grid_.size() * folds.size());
    for (const Params& p : param_grid_)
      for (const Fold& f : folds) fits.emplace_back(p).fit(f.x_train, f.y_train);
    std::vector<PendingScore> scores;
    scores.reserve(fits.size());
    for (std::size_t i = 0; i < fits.size(); ++i) {
      const Fold& f = folds[i % folds.size()];
      if constexpr (requires { fits[i].score_async(f.x_test, f.y_test); }) {
        scores.push_back(fits[i].score_async(f.x_test, f.y_test));
      } else {
        const double s = fits[i].score(f.x_test, f.y_test);
        scores.emplace_back([s] { return s; });
      }
    }
    mean_test_score_.clear();
    best_index_ = 0;
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < param_grid_.size(); ++c) {
      double total = 0;
      for (std::size_t f = 0; f < folds.size(); ++f) total += scores[c * folds.size() + f].get();
      mean_test_score_.push_back(total / static_cast<double>(folds.size()));
      if (mean_test_score_.back() > best) {
        best = mean_test_score_.back();
        best_index_ = c;
      }
    }
    best_estimator_.emplace(param_grid_.at(best_index_));
    best_estimator_->fit(x, y);
    return *this;
  }

  /// scikit-learn's cv_results_["mean_test_score"], best_index_, best_params_,
  /// best_score_, best_estimator_.
  const std::vector<double>& mean_test_score() const { return mean_test_score_; }
  std::size_t best_index() const { return best_index_; }
  const Params& best_params() const { return param_grid_.at(best_index_); }
  double best_score() const { return mean_test_score_.at(best_index_); }
  const Estimator& best_estimator() const { return best_estimator_.value(); }

 private:
  std::vector<Params> param_grid_;
  KFold cv_;
  std::vector<double> mean_test_score_;
  std::size_t best_index_ = 0;
  std::optional<Estimator> best_estimator_;
};

}  // namespace dislib
