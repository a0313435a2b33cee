// dislib::KNeighborsClassifier: candidates per (query block, training block), merged per
// query block in a binary tree, then a vote.
#include <compss/dislib/neighbors.hpp>

#include "estimator_util.hpp"
#include "knn_tasks.hpp"

namespace dislib {

using detail::Block;
using BlockFuture = compss::Future<Block>;

namespace {
constexpr const char* kName = "KNeighborsClassifier";
}

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
  fitted_ = true;
  return *this;
}

Array KNeighborsClassifier::predict(const Array& q_in) const {
  detail::require(fitted_, kName, "predict needs a fitted model: call fit first");
  detail::require(q_in.cols() == x_.cols(), kName,
                  "X has " + std::to_string(q_in.cols()) + " features, the training data " +
                      std::to_string(x_.cols()));
  const Array q = detail::whole_rows(q_in);
  const detail::BlockGrid& qg = q.grid();
  const detail::BlockGrid& xg = x_.grid();
  const detail::BlockGrid& yg = y_.grid();
  const std::size_t k = params_.n_neighbors;
  std::vector<BlockFuture> predicted;
  for (std::size_t i = 0; i < qg.n_block_rows(); ++i) {
    std::vector<BlockFuture> level;
    for (std::size_t t = 0; t < xg.n_block_rows(); ++t)
      level.push_back(detail::knn_candidates(qg.block(i, 0), xg.block(t, 0), yg.block(t, 0), k));
    while (level.size() > 1) {  // a binary tree of merges
      std::vector<BlockFuture> next;
      for (std::size_t m = 0; m + 1 < level.size(); m += 2)
        next.push_back(detail::knn_merge(level[m], level[m + 1], k));
      if (level.size() % 2 == 1) next.push_back(level.back());
      level = std::move(next);
    }
    predicted.push_back(detail::knn_vote(level.front(), k));
  }
  return detail::column_of(qg, std::move(predicted));
}

double KNeighborsClassifier::score(const Array& x, const Array& y) const {
  return detail::accuracy(predict(x), y, kName);
}

}  // namespace dislib
