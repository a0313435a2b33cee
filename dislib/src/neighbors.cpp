// dislib::KNeighborsClassifier: candidates per (query block, training block), merged per
// query block in a binary tree, then a vote.
#include <compss/dislib/neighbors.hpp>

#include "estimator_util.hpp"
#include "knn_tasks.hpp"
#include "model_io.hpp"

namespace dislib {

using detail::Block;
using BlockFuture = compss::Future<Block>;

namespace {
constexpr const char* kName = "KNeighborsClassifier";

// One future from `level`, merged two at a time (a binary tree of `merge` tasks).
template <class Merge>
BlockFuture merge_pairwise(std::vector<BlockFuture> level, Merge merge) {
  while (level.size() > 1) {
    std::vector<BlockFuture> next;
    for (std::size_t m = 0; m + 1 < level.size(); m += 2) next.push_back(merge(level[m], level[m + 1]));
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return level.front();
}
}  // namespace

KNeighborsClassifier::KNeighborsClassifier(KNeighborsClassifierParams params) : params_(params) {
  detail::require(params_.n_neighbors >= 1, kName, "n_neighbors must be at least 1");
}

KNeighborsClassifier& KNeighborsClassifier::fit(const Array& x, const Array& y) {
  detail::require(y.rows() == x.rows() && y.cols() == 1, kName,
                  "y must be a column of " + std::to_string(x.rows()) + " labels, not " +
                      std::to_string(y.rows()) + "x" + std::to_string(y.cols()));
  detail::require(x.rows() >= params_.n_neighbors, kName,
                  "n_neighbors=" + std::to_string(params_.n_neighbors) + " is more than the " +
                      std::to_string(x.rows()) + " training samples");
  x_ = detail::whole_rows(x);
  y_ = detail::align_rows(y, x_.grid());
  std::vector<BlockFuture> labels;
  for (std::size_t t = 0; t < y_.grid().n_block_rows(); ++t)
    labels.push_back(detail::knn_class_labels(y_.grid().block(t, 0)));
  classes_ = merge_pairwise(std::move(labels), [](const BlockFuture& a, const BlockFuture& b) {
    return detail::knn_class_union(a, b);
  });
  fitted_ = true;
  return *this;
}

std::vector<double> KNeighborsClassifier::classes() const {
  detail::require(fitted_, kName, "classes needs a fitted model: call fit first");
  return detail::block_vector(classes_.get());
}

std::vector<BlockFuture> KNeighborsClassifier::candidates(const Array& q, std::size_t k) const {
  detail::require(fitted_, kName, "predict and kneighbors need a fitted model: call fit first");
  detail::require(q.cols() == x_.cols(), kName,
                  "X has " + std::to_string(q.cols()) + " features, the training data " +
                      std::to_string(x_.cols()));
  detail::require(k >= 1 && k <= x_.rows(), kName,
                  "n_neighbors=" + std::to_string(k) + " is not in 1.." +
                      std::to_string(x_.rows()) + " (the training samples)");
  const detail::BlockGrid& qg = q.grid();
  const detail::BlockGrid& xg = x_.grid();
  const detail::BlockGrid& yg = y_.grid();
  std::vector<BlockFuture> out;
  for (std::size_t i = 0; i < qg.n_block_rows(); ++i) {
    std::vector<BlockFuture> level;
    for (std::size_t t = 0; t < xg.n_block_rows(); ++t)
      level.push_back(detail::knn_candidates(qg.block(i, 0), xg.block(t, 0), yg.block(t, 0),
                                             xg.row_starts[t], k));
    out.push_back(merge_pairwise(std::move(level), [k](const BlockFuture& a, const BlockFuture& b) {
      return detail::knn_merge(a, b, k);
    }));
  }
  return out;
}

Array KNeighborsClassifier::predict(const Array& q_in) const {
  const Array q = detail::whole_rows(q_in);
  std::vector<BlockFuture> predicted;
  for (const BlockFuture& c : candidates(q, params_.n_neighbors))
    predicted.push_back(detail::knn_vote(c, params_.n_neighbors));
  return detail::column_of(q.grid(), std::move(predicted));
}

Array KNeighborsClassifier::predict_proba(const Array& q_in) const {
  const Array q = detail::whole_rows(q_in);
  const std::vector<BlockFuture> found = candidates(q, params_.n_neighbors);
  const std::size_t n_classes = classes().size();  // the output's width: waits for it
  std::vector<BlockFuture> proba;
  for (const BlockFuture& c : found)
    proba.push_back(detail::knn_proba(c, params_.n_neighbors, classes_));
  return detail::column_of(q.grid(), std::move(proba), n_classes);
}

Neighbors KNeighborsClassifier::kneighbors(const Array& q_in,
                                           std::optional<std::size_t> n_neighbors) const {
  const Array q = detail::whole_rows(q_in);
  const std::size_t k = n_neighbors.value_or(params_.n_neighbors);
  auto grid = [&] {
    return detail::empty_grid(q.grid().row_starts, {0, k});
  };
  std::shared_ptr<detail::BlockGrid> distances = grid(), indices = grid();
  for (const BlockFuture& c : candidates(q, k)) {
    distances->blocks.push_back(detail::knn_neighbors(c, k, false));
    indices->blocks.push_back(detail::knn_neighbors(c, k, true));
  }
  return {Array(std::move(distances)), Array(std::move(indices))};
}

double KNeighborsClassifier::score(const Array& x, const Array& y) const {
  return score_async(x, y).get();
}

PendingScore KNeighborsClassifier::score_async(const Array& x, const Array& y) const {
  return detail::accuracy(predict(x), y, kName);
}

void KNeighborsClassifier::save(const std::string& path) const {
  detail::require(fitted_, kName, "save needs a fitted model: call fit first");
  std::vector<double> labels;
  for (const std::vector<double>& row : y_.collect()) labels.push_back(row.at(0));
  detail::write_model(path, kName, {{"n_neighbors", params_.n_neighbors}},
                      {{"fit_X", x_.collect()},
                       {"y", labels},
                       {"block_rows", x_.grid().block_height(0)}});
}

KNeighborsClassifier KNeighborsClassifier::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  KNeighborsClassifier knn({.n_neighbors = static_cast<std::size_t>(
                                doc["params"].value("n_neighbors", std::size_t{5}))});
  const Matrix x = detail::matrix_field(doc, path, "fit_X");
  const std::vector<double> y = detail::vector_field(doc, path, "y");
  const auto block_rows = static_cast<std::size_t>(detail::number_field(doc, path, "block_rows"));
  detail::require(!x.empty() && y.size() == x.size() && block_rows >= 1, kName,
                  path + ": fit_X and y must hold the same samples, block_rows at least 1");
  Matrix y_column;
  for (double v : y) y_column.push_back({v});
  return knn.fit(array(x, {block_rows, x.front().size()}), array(y_column, {block_rows, 1}));
}

}  // namespace dislib
