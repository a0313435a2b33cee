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
             std::size_t min_samples_split, std::size_t max_features, std::mt19937_64& rng)
      : data_(data), d_(block_cols(data) - 1), k_(classes.size()), max_depth_(max_depth),
        min_split_(std::max<std::size_t>(min_samples_split, 2)),
        max_features_(std::clamp<std::size_t>(max_features, 1, d_)), rng_(rng) {
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
    const Split s = grow_node(rows, depth);
    if (s.feature < 0) return node;
    std::vector<std::size_t> left, right;
    for (std::size_t r : rows) (at(data_, r, s.feature) <= s.threshold ? left : right).push_back(r);
    rows.clear();
    rows.shrink_to_fit();
    const std::size_t l = grow(left, depth + 1);
    const std::size_t r = grow(right, depth + 1);
    cell(node, 3) = static_cast<double>(l - node);
    cell(node, 4) = static_cast<double>(r - node);
    return node;
  }

  /// Appends the node of `rows` (its class fractions, and its split unless it is a leaf)
  /// to nodes_, without its children; returns the split (feature -1: a leaf).
  struct Split {
    long feature = -1;
    double threshold = 0;
  };
  Split grow_node(const std::vector<std::size_t>& rows, std::size_t depth) {
    const std::size_t node = nodes_.size() / width();
    nodes_.resize(nodes_.size() + width(), 0.0);
    std::vector<double> counts(k_, 0.0);
    for (std::size_t r : rows) counts[labels_[r]] += 1;
    for (std::size_t c = 0; c < k_; ++c)
      cell(node, kTreeLeadCols + c) = counts[c] / static_cast<double>(rows.size());
    cell(node, 1) = -1;
    const bool pure = std::count(counts.begin(), counts.end(), 0.0) == static_cast<long>(k_ - 1);
    if (pure || rows.size() < min_split_ || (max_depth_ != 0 && depth >= max_depth_)) return {};
    const Split s = best_split(rows, counts);
    if (s.feature >= 0) {
      cell(node, 1) = static_cast<double>(s.feature);
      cell(node, 2) = s.threshold;
    }
    return s;
  }

  /// The nodes grown, the first marked as a tree's root when `root`.
  Block tree(bool root = true) const {
    Block out = make_block(nodes_.size() / width(), width());
    std::copy(nodes_.begin(), nodes_.end(), values(out));
    if (root && block_rows(out) > 0) at(out, 0, 0) = 1;
    return out;
  }

 private:

  std::size_t width() const { return kTreeLeadCols + k_; }
  double& cell(std::size_t node, std::size_t col) { return nodes_[node * width() + col]; }

  static double gini_sum(const std::vector<double>& counts, double n) {
    double sq = 0;
    for (double c : counts) sq += c * c;
    return n - sq / n;  // n * gini
  }

  // The best threshold over max_features features drawn at random (as scikit-learn's,
  // draws go on past it while no drawn feature varies).
  Split best_split(const std::vector<std::size_t>& rows, const std::vector<double>& counts) {
    std::vector<std::size_t> features(d_);
    std::iota(features.begin(), features.end(), 0);
    const double n = static_cast<double>(rows.size());
    double best = gini_sum(counts, n) - 1e-12;  // a split must lower the impurity
    Split split;
    std::size_t varying = 0;
    std::vector<std::pair<double, std::size_t>> sorted(rows.size());
    std::vector<double> left(k_);
    for (std::size_t drawn = 0; drawn < d_ && varying < max_features_; ++drawn) {
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
  std::size_t d_, k_, max_depth_, min_split_, max_features_;
  std::mt19937_64& rng_;
  std::vector<std::size_t> labels_;
  std::vector<double> nodes_;
};

}  // namespace

std::vector<double> rf_classes(const Block& data) {
  std::vector<double> classes;
  const std::size_t y = block_cols(data) - 1;
  for (std::size_t r = 0; r < block_rows(data); ++r) classes.push_back(at(data, r, y));
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  return classes;
}

Block rf_tree(const Block& data, std::vector<double> classes, std::size_t max_depth,
              std::size_t min_samples_split, std::size_t max_features, bool bootstrap,
              std::uint64_t seed, std::size_t tree) {
  const std::size_t n = block_rows(data);
  if (n == 0 || block_cols(data) < 2)
    throw compss::Error("dislib: RandomForestClassifier: a tree needs samples and features");
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(tree)};
  std::mt19937_64 rng(seq);
  std::uniform_int_distribution<std::size_t> row(0, n - 1);
  std::vector<std::size_t> sample(n);
  if (bootstrap)
    for (std::size_t& r : sample) r = row(rng);  // n rows with replacement
  else
    std::iota(sample.begin(), sample.end(), 0);
  TreeGrower grower(data, classes, max_depth, min_samples_split, max_features, rng);
  grower.grow(sample, 0);
  return grower.tree();
}

namespace {

std::mt19937_64 tree_rng(std::uint64_t seed, std::size_t tree, std::uint64_t node) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(tree), static_cast<std::uint32_t>(node),
                    static_cast<std::uint32_t>(node >> 32)};
  return std::mt19937_64(seq);
}

// The node of `sample` at `depth` alone (`whole` false) or its whole subtree, as tree rows
// not marked as a root; empty for no rows.
Block grow_part(const Block& data, const std::vector<double>& sample,
                const std::vector<double>& classes, const TreeParams& params, std::size_t depth,
                std::uint64_t node, bool whole) {
  if (sample.empty()) return empty_block();
  std::mt19937_64 rng = tree_rng(params.seed, params.tree, node);
  TreeGrower grower(data, classes, params.max_depth, params.min_samples_split,
                    params.max_features, rng);
  std::vector<std::size_t> rows(sample.begin(), sample.end());
  if (whole) grower.grow(rows, depth);
  else grower.grow_node(rows, depth);
  return grower.tree(false);
}

}  // namespace

std::vector<double> rf_sample(const Block& data, bool bootstrap, std::uint64_t seed,
                              std::size_t tree) {
  const std::size_t n = block_rows(data);
  std::vector<double> sample(n);
  std::mt19937_64 rng = tree_rng(seed, tree, 0);
  std::uniform_int_distribution<std::size_t> row(0, n == 0 ? 0 : n - 1);
  for (std::size_t i = 0; i < n; ++i) sample[i] = static_cast<double>(bootstrap ? row(rng) : i);
  return sample;
}

Block rf_node(const Block& data, std::vector<double> sample, std::vector<double> classes,
              TreeParams params, std::size_t depth, std::uint64_t node) {
  return grow_part(data, sample, classes, params, depth, node, false);
}

std::vector<double> rf_child_sample(const Block& data, std::vector<double> sample,
                                    const Block& node, bool right) {
  std::vector<double> out;
  if (block_empty(node) || at(node, 0, 1) < 0) return out;  // no node, or a leaf
  const auto f = static_cast<std::size_t>(at(node, 0, 1));
  const double threshold = at(node, 0, 2);
  for (double r : sample)
    if ((at(data, static_cast<std::size_t>(r), f) > threshold) == right) out.push_back(r);
  return out;
}

Block rf_subtree(const Block& data, std::vector<double> sample, std::vector<double> classes,
                 TreeParams params, std::size_t depth, std::uint64_t node) {
  return grow_part(data, sample, classes, params, depth, node, true);
}

Block rf_join(const Block& node, const Block& left, const Block& right, bool root) {
  if (block_empty(node)) return empty_block();
  const bool leaf = at(node, 0, 1) < 0;
  if (!leaf && (block_empty(left) || block_empty(right)))
    throw compss::Error("dislib: RandomForestClassifier: a split node without both subtrees");
  const std::size_t width = block_cols(node);
  const std::size_t nl = leaf ? 0 : block_rows(left), nr = leaf ? 0 : block_rows(right);
  Block out = make_block(1 + nl + nr, width);
  std::copy_n(values(node), width, values(out));
  if (!leaf) {
    std::copy_n(values(left), nl * width, &at(out, 1, 0));
    std::copy_n(values(right), nr * width, &at(out, 1 + nl, 0));
    at(out, 0, 3) = 1;
    at(out, 0, 4) = static_cast<double>(1 + nl);
  }
  at(out, 0, 0) = root ? 1 : 0;
  return out;
}

namespace {

// Per row of x, the sum over the forest's trees of its leaf's class fractions (n x k).
Block summed_fractions(const Block& x, const Block& forest, std::size_t k) {
  const std::size_t n = block_rows(x);
  if (block_cols(forest) != kTreeLeadCols + k)
    throw compss::Error("dislib: RandomForestClassifier: the forest does not match the classes");
  std::vector<std::size_t> roots;
  for (std::size_t r = 0; r < block_rows(forest); ++r)
    if (at(forest, r, 0) == 1) roots.push_back(r);
  Block out = make_block(n, k);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t node : roots) {
      while (at(forest, node, 1) >= 0) {
        const auto f = static_cast<std::size_t>(at(forest, node, 1));
        if (f >= block_cols(x))
          throw compss::Error("dislib: RandomForestClassifier: X has fewer features than the forest");
        node += static_cast<std::size_t>(at(x, i, f) <= at(forest, node, 2) ? at(forest, node, 3)
                                                                           : at(forest, node, 4));
      }
      for (std::size_t c = 0; c < k; ++c) at(out, i, c) += at(forest, node, kTreeLeadCols + c);
    }
  return out;
}

std::size_t count_trees(const Block& forest) {
  std::size_t trees = 0;
  for (std::size_t r = 0; r < block_rows(forest); ++r) trees += at(forest, r, 0) == 1;
  return trees;
}

}  // namespace

Block rf_predict(const Block& x, const Block& forest, std::vector<double> classes) {
  const std::size_t k = classes.size();
  const Block sums = summed_fractions(x, forest, k);
  Block out = make_block(block_rows(x), 1);
  for (std::size_t i = 0; i < block_rows(x); ++i) {
    const double* row = &at(sums, i, 0);
    values(out)[i] = classes[static_cast<std::size_t>(std::max_element(row, row + k) - row)];
  }
  return out;
}

Block rf_predict_proba(const Block& x, const Block& forest, std::size_t n_classes) {
  Block out = summed_fractions(x, forest, n_classes);
  const double trees = static_cast<double>(std::max<std::size_t>(count_trees(forest), 1));
  for (std::size_t i = 0; i < block_rows(out) * n_classes; ++i) values(out)[i] /= trees;
  return out;
}

}  // namespace dislib::detail
