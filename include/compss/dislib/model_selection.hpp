// dislib::KFold and dislib::GridSearchCV: cross-validation as scikit-learn's.
#pragma once

#include <compss/dislib/array.hpp>
#include <compss/dislib/score.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
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
  const KFoldParams& params() const { return params_; }
  /// The test rows of each fold, ascending (scikit-learn's split(X)'s test indices).
  std::vector<std::vector<std::size_t>> test_indices(std::size_t n_samples) const;

 private:
  KFoldParams params_;
};

/// scikit-learn's cv_results_ test scores: per candidate (the grid's order) and fold.
struct CvResults {
  std::vector<std::vector<double>> split_test_score;  ///< [candidate][fold]: split<i>_test_score
  std::vector<double> mean_test_score;
  std::vector<double> std_test_score;                 ///< population deviation, as numpy's std
  std::vector<std::size_t> rank_test_score;           ///< 1 = best; equal means share the lowest
};

namespace detail {

/// GridSearchCV's fitted state that does not depend on its template arguments.
struct SearchState {
  KFoldParams cv;
  bool refit = true;
  CvResults cv_results;
  std::size_t best_index = 0;
};

/// cv_results' mean, std and rank from split_test_score, and the best index (the first
/// of the highest mean, as scikit-learn's).
void rank_candidates(SearchState& state);

/// Writes the search to `path` (model_io's format, estimator "GridSearchCV"); with
/// `save_best`, the best estimator's own saved model (save_best writes it to a file it is
/// given, read back and removed) is embedded as fitted "best_estimator".
void save_search(const std::string& path, const SearchState& state, std::size_t n_candidates,
                 const std::function<void(const std::string&)>& save_best);

/// Reads a search saved by save_search for a grid of n_candidates; when it holds a best
/// estimator, load_best is called with a file holding it (removed afterwards).
SearchState load_search(const std::string& path, std::size_t n_candidates,
                        const std::function<void(const std::string&)>& load_best);

[[noreturn]] void no_best_estimator();

}  // namespace detail

/// Exhaustive search over candidate parameter sets, scored by cross-validation: for each
/// candidate and fold, Estimator(params).fit(x_train, y_train).score(x_test, y_test).
/// Every candidate's fit on every fold is submitted first, then every score, and the
/// master waits only for the scores: the candidates' tasks run in parallel. That holds for
/// estimators whose fit does not wait and that have score_async (KNeighborsClassifier,
/// RandomForestClassifier, CascadeSVM without the synchronize check, whose fit waits each
/// iteration by design); others (LinearRegression) are scored as their fit and score
/// wait. A CascadeSVM fit stopped by its convergence exception cancels only its own
/// group's tasks. The best candidate is the one of highest mean test score (the first on
/// ties, as scikit-learn's rank), refitted on all data when `refit` (scikit-learn's
/// default).
///
///   dislib::GridSearchCV<dislib::KNeighborsClassifier, dislib::KNeighborsClassifierParams>
///       search({{.n_neighbors = 1}, {.n_neighbors = 5}}, dislib::KFold({.n_splits = 3}));
///   search.fit(x, y);
///   std::size_t k = search.best_params().n_neighbors;
///   search.save("search.json");   // load needs the same grid: load("search.json", grid)
template <class Estimator, class Params>
class GridSearchCV {
 public:
  GridSearchCV(std::vector<Params> param_grid, KFold cv = KFold(), bool refit = true)
      : param_grid_(std::move(param_grid)) {
    state_.cv = cv.params();
    state_.refit = refit;
  }

  GridSearchCV& fit(const Array& x, const Array& y) {
    const std::vector<Fold> folds = KFold(state_.cv).split(x, y);
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
    state_.cv_results = {};
    for (std::size_t c = 0; c < param_grid_.size(); ++c) {
      std::vector<double>& split = state_.cv_results.split_test_score.emplace_back();
      for (std::size_t f = 0; f < folds.size(); ++f) split.push_back(scores[c * folds.size() + f].get());
    }
    detail::rank_candidates(state_);
    best_estimator_.reset();
    if (state_.refit) {
      best_estimator_.emplace(param_grid_.at(state_.best_index));
      best_estimator_->fit(x, y);
    }
    return *this;
  }

  /// scikit-learn's cv_results_ (its test scores), cv_results_["mean_test_score"],
  /// best_index_, best_params_, best_score_, best_estimator_ (only with refit).
  const CvResults& cv_results() const { return state_.cv_results; }
  const std::vector<double>& mean_test_score() const { return state_.cv_results.mean_test_score; }
  std::size_t best_index() const { return state_.best_index; }
  const Params& best_params() const { return param_grid_.at(state_.best_index); }
  double best_score() const { return state_.cv_results.mean_test_score.at(state_.best_index); }
  const Estimator& best_estimator() const {
    if (!best_estimator_) detail::no_best_estimator();
    return *best_estimator_;
  }

  /// The fitted search: the cv_results, the best index and score, the KFold and refit
  /// settings, and (with refit) the best estimator as its own save writes it, in one
  /// JSON file. The parameter grid is not written (a C++ Params struct cannot be read
  /// back by name): load takes the grid the search was made with, and checks its size.
  void save(const std::string& path) const {
    std::function<void(const std::string&)> save_best;
    if (best_estimator_) save_best = [this](const std::string& file) { best_estimator_->save(file); };
    detail::save_search(path, state_, param_grid_.size(), save_best);
  }
  static GridSearchCV load(const std::string& path, std::vector<Params> param_grid) {
    GridSearchCV search(std::move(param_grid));
    search.state_ = detail::load_search(path, search.param_grid_.size(), [&](const std::string& file) {
      search.best_estimator_.emplace(Estimator::load(file));
    });
    return search;
  }

 private:
  std::vector<Params> param_grid_;
  detail::SearchState state_;
  std::optional<Estimator> best_estimator_;
};

}  // namespace dislib
