// dislib::RandomForestClassifier: a forest of decision trees, one task per tree.
#pragma once

#include <compss/dislib/array.hpp>
#include <compss/future.hpp>
#include <compss/dislib/score.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dislib {

namespace detail {
struct TreeParams;
}

/// scikit-learn's max_features: how many features a node draws to look for its split.
///   "sqrt" (the default), "log2": floor(sqrt(d)), floor(log2(d)), at least 1;
///   an int n: n (1..d); a double f in (0, 1]: max(1, floor(f d)); std::nullopt: all d.
/// As scikit-learn's, a node draws on past the count while none of the drawn features varies.
class MaxFeatures {
 public:
  MaxFeatures(const char* rule) : rule_(rule) {}                      // NOLINT: as sklearn's
  MaxFeatures(std::string rule) : rule_(std::move(rule)) {}           // NOLINT
  MaxFeatures(int count) : rule_("count"), value_(count) {}           // NOLINT
  MaxFeatures(std::size_t count) : rule_("count"), value_(static_cast<double>(count)) {}  // NOLINT
  MaxFeatures(double fraction) : rule_("fraction"), value_(fraction) {}  // NOLINT
  MaxFeatures(std::nullopt_t) : rule_("none") {}                      // NOLINT
  /// The features drawn per node for d features; throws compss::Error for a bad rule.
  std::size_t count(std::size_t d) const;
  /// scikit-learn's spelling: "sqrt", "log2", "None", the int or the float.
  std::string to_string() const;
  static MaxFeatures parse(const std::string& text);  ///< inverse of to_string

 private:
  std::string rule_;  ///< sqrt, log2, none, count, fraction
  double value_ = 0;
};

/// dislib's distr_depth: how many top levels of each tree are split by tasks of their own
/// (2^depth subtrees per tree, each a task), so that one tree's work spreads over several
/// cores and workers.
///   a depth: that many levels; 0: one task per tree;
///   "auto": dislib's rule for n training rows, max(0, floor(log10 n) - 4) levels, at most
///   max_depth: 0 below 100,000 rows, 1 up to a million, 2 up to ten million...
class DistrDepth {
 public:
  DistrDepth(int depth);                  // NOLINT: as dislib's, a plain number
  DistrDepth(std::size_t depth) : depth_(depth) {}  // NOLINT
  DistrDepth(const char* rule) : DistrDepth(std::string(rule)) {}  // NOLINT: "auto"
  DistrDepth(const std::string& rule);    // NOLINT
  /// The levels for a fit on n_samples rows.
  std::size_t levels(std::size_t n_samples, std::optional<std::size_t> max_depth) const;
  /// The fixed depth; std::nullopt for "auto".
  std::optional<std::size_t> depth() const {
    return auto_ ? std::nullopt : std::optional<std::size_t>(depth_);
  }
  /// "auto" or the depth.
  std::string to_string() const;
  /// The inverse of to_string; anything else is a compss::Error.
  static DistrDepth parse(const std::string& text);

 private:
  bool auto_ = false;
  std::size_t depth_ = 0;
};

/// scikit-learn's RandomForestClassifier parameters that apply (criterion "gini", the
/// only one offered), in its order.
struct RandomForestClassifierParams {
  std::size_t n_estimators = 100;
  std::optional<std::size_t> max_depth;  ///< unset: grow until leaves are pure
  std::size_t min_samples_split = 2;
  MaxFeatures max_features = "sqrt";
  bool bootstrap = true;                 ///< false: every tree sees every row once
  std::uint64_t random_state = 0;        ///< seeds every tree (tree t: (random_state, t))
  /// dislib's distr_depth (DistrDepth above: a depth, or "auto" as dislib's default).
  /// Another depth draws from other seeds, so it grows another forest (the same tree when
  /// nothing is random: bootstrap false and every feature drawn).
  DistrDepth distr_depth = "auto";
};

/// Random forest. fit (which waits for nothing): the row blocks are gathered into one
/// training block by a task (a tree needs every row), its labels found by another, then
/// one task per tree grows a CART tree (Gini impurity,
/// best split over max_features features drawn at each node) on a bootstrap sample;
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
  /// n x classes: per row the mean over the trees of its leaf's class fractions, columns
  /// in classes() order (scikit-learn's predict_proba). One task per row block.
  Array predict_proba(const Array& x) const;
  /// The fraction of rows whose predicted label equals y's (waits for it).
  double score(const Array& x, const Array& y) const;
  /// score's tasks submitted, the result not waited for (GridSearchCV scores every
  /// candidate this way before waiting).
  PendingScore score_async(const Array& x, const Array& y) const;

  /// The labels seen in fit, ascending (scikit-learn's classes_).
  const std::vector<double>& classes() const;
  const RandomForestClassifierParams& params() const { return params_; }

  void save(const std::string& path) const;
  static RandomForestClassifier load(const std::string& path);

 private:
  void require_fitted(const char* what) const;
  /// The top `levels` of a tree, split by tasks (random_forest.cpp).
  compss::Future<std::vector<double>> grow_top(const compss::Future<std::vector<double>>& data,
                                               const compss::Future<std::vector<double>>& sample,
                                               const detail::TreeParams& tree,
                                               std::size_t levels, std::size_t depth,
                                               std::uint64_t node) const;
  /// x in whole rows after checking the model is fitted and x's width.
  Array checked_rows(const Array& x, const char* what) const;

  RandomForestClassifierParams params_;
  // Futures, so that fit waits for nothing (GridSearchCV fits every candidate at once):
  // the trees as one block (rf_tasks.hpp's layout) and the sorted labels of y.
  compss::Future<std::vector<double>> forest_;
  compss::Future<std::vector<double>> classes_;
  bool fitted_ = false;
  std::size_t n_features_ = 0;
};

}  // namespace dislib
