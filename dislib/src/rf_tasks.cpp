// Bodies of RandomForestClassifier's tasks: CART growth over sorted feature values, and
// the forest's vote.
#include "rf_tasks.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

namespace dislib::detail {

namespace {

/// Grows one tree over the rows `sample` (indices into data, with repeats) of data.
class TreeGrower {
 public:
  TreeGrower(const Block& data, const std::vector<double>& classes, std::size_t max_depth,
             std::size_t min_samples_split, std::mt19937_64& rng)
      : data_(data), d_(block_cols(data) - 1), k_(classes.size()), max_depth_(max_depth),
        min_split_(std::max<std::size_t>(min_samples_split, 2)), rng_(rng) {
    labels_.resize(block_rows(data));
    for (std::size_t r = 0; r < labels_.size(); ++r) {
      const double y = at(data, r, d_);
      const auto it = std::lower_bound(classes.begin(), classes.end(), y);
      if (it == classes.end() || *it != y)
        throw compss::Error("dislib: RandomForestClassifier: label " + std::to_string(y) +
                            " is not one of the classes");
      labels_[r] = static_cast<std::size_t>(it - classes.begin());
    }
  }

  /// Appends the subtree of `rows` to nodes_ and returns its row.
  std::size_t grow(std::vector<std::size_t>& rows, std::size_t depth) {
    const std::size_t node = nodes_.size() / width();
    nodes_.resize(nodes_.size() + width(), 0.0);
    std::vector<double> counts(k_, 0.0);
    for (std::size_t r : rows) counts[labels_[r]] += 1;
    for (std::size_t c = 0; c < k_; ++c)
      cell(node, kTreeLeadCols + c) = counts[c] / static_cast<double>(rows.size());
    cell(node, 1) = -1;
    const bool pure = std::count(counts.begin(), counts.end(), 0.0) == static_cast<long>(k_ - 1);
    if (pure || rows.size() < min_split_ || (max_depth_ != 0 && depth >= max_depth_)) return node;
    const Split s = best_split(rows, counts);
    if (s.feature < 0) return node;
    std::vector<std::size_t> left, right;
    for (std::size_t r : rows) (at(data_, r, s.feature) <= s.threshold ? left : right).push_back(r);
    rows.clear();
    rows.shrink_to_fit();
    cell(node, 1) = s.feature;
    cell(node, 2) = s.threshold;
    const std::size_t l = grow(left, depth + 1);
    const std::size_t r = grow(right, depth + 1);
    cell(node, 3) = static_cast<double>(l - node);
    cell(node, 4) = static_cast<double>(r - node);
    return node;
  }

  Block tree() const {
    Block out = make_block(nodes_.size() / width(), width());
    std::copy(nodes_.begin(), nodes_.end(), values(out));
    if (block_rows(out) > 0) at(out, 0, 0) = 1;
    return out;
  }

 private:
  struct Split {
    long feature = -1;
    double threshold = 0;
  };

  std::size_t width() const { return kTreeLeadCols + k_; }
  double& cell(std::size_t node, std::size_t col) { return nodes_[node * width() + col]; }

  static double gini_sum(const std::vector<double>& counts, double n) {
    double sq = 0;
    for (double c : counts) sq += c * c;
    return n - sq / n;  // n * gini
  }

  // The best threshold over features drawn at random (scikit-learn's max_features
  // "sqrt": draws go on past it while no drawn feature varies).
  Split best_split(const std::vector<std::size_t>& rows, const std::vector<double>& counts) {
    const std::size_t max_features =
        std::max<std::size_t>(1, static_cast<std::size_t>(std::sqrt(static_cast<double>(d_))));
    std::vector<std::size_t> features(d_);
    std::iota(features.begin(), features.end(), 0);
    const double n = static_cast<double>(rows.size());
    double best = gini_sum(counts, n) - 1e-12;  // a split must lower the impurity
    Split split;
    std::size_t varying = 0;
    std::vector<std::pair<double, std::size_t>> sorted(rows.size());
    std::vector<double> left(k_);
    for (std::size_t drawn = 0; drawn < d_ && varying < max_features; ++drawn) {
      std::uniform_int_distribution<std::size_t> pick(drawn, d_ - 1);
      std::swap(features[drawn], features[pick(rng_)]);
      const std::size_t f = features[drawn];
      for (std::size_t i = 0; i < rows.size(); ++i)
        sorted[i] = {at(data_, rows[i], f), labels_[rows[i]]};
      std::sort(sorted.begin(), sorted.end());
      if (sorted.front().first == sorted.back().first) continue;
      ++varying;
      std::fill(left.begin(), left.end(), 0.0);
      std::vector<double> right = counts;
      for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
        left[sorted[i].second] += 1;
        right[sorted[i].second] -= 1;
        if (sorted[i].first == sorted[i + 1].first) continue;
        const double nl = static_cast<double>(i + 1);
        const double impurity = gini_sum(left, nl) + gini_sum(right, n - nl);
        if (impurity < best) {
          best = impurity;
          split.feature = static_cast<long>(f);
          split.threshold = sorted[i].first + (sorted[i + 1].first - sorted[i].first) / 2;
          if (split.threshold == sorted[i + 1].first) split.threshold = sorted[i].first;
        }
      }
    }
    return split;
  }

  const Block& data_;
  std::size_t d_, k_, max_depth_, min_split_;
  std::mt19937_64& rng_;
  std::vector<std::size_t> labels_;
  std::vector<double> nodes_;
};

}  // namespace

Block rf_tree(const Block& data, std::vector<double> classes, std::size_t max_depth,
              std::size_t min_samples_split, std::uint64_t seed, std::size_t tree) {
  const std::size_t n = block_rows(data);
  if (n == 0 || block_cols(data) < 2)
    throw compss::Error("dislib: RandomForestClassifier: a tree needs samples and features");
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(tree)};
  std::mt19937_64 rng(seq);
  std::uniform_int_distribution<std::size_t> row(0, n - 1);
  std::vector<std::size_t> sample(n);
  for (std::size_t& r : sample) r = row(rng);  // bootstrap: n rows with replacement
  TreeGrower grower(data, classes, max_depth, min_samples_split, rng);
  grower.grow(sample, 0);
  return grower.tree();
}

Block rf_predict(const Block& x, const Block& forest, std::vector<double> classes) {
  const std::size_t n = block_rows(x), k = classes.size();
  if (block_cols(forest) != kTreeLeadCols + k)
    throw compss::Error("dislib: RandomForestClassifier: the forest does not match the classes");
  std::vector<std::size_t> roots;
  for (std::size_t r = 0; r < block_rows(forest); ++r)
    if (at(forest, r, 0) == 1) roots.push_back(r);
  Block out = make_block(n, 1);
  std::vector<double> votes(k);
  for (std::size_t i = 0; i < n; ++i) {
    std::fill(votes.begin(), votes.end(), 0.0);
    for (std::size_t node : roots) {
      while (at(forest, node, 1) >= 0) {
        const auto f = static_cast<std::size_t>(at(forest, node, 1));
        if (f >= block_cols(x))
          throw compss::Error("dislib: RandomForestClassifier: X has fewer features than the forest");
        node += static_cast<std::size_t>(at(x, i, f) <= at(forest, node, 2) ? at(forest, node, 3)
                                                                           : at(forest, node, 4));
      }
      for (std::size_t c = 0; c < k; ++c) votes[c] += at(forest, node, kTreeLeadCols + c);
    }
    values(out)[i] = classes[static_cast<std::size_t>(
        std::max_element(votes.begin(), votes.end()) - votes.begin())];
  }
  return out;
}

}  // namespace dislib::detail
