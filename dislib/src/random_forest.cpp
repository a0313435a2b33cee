// dislib::RandomForestClassifier: the training rows gathered once, a tree task each,
// the trees stacked into one forest block.
#include <compss/dislib/ensemble.hpp>

#include "block_grid.hpp"
#include "block_tasks.hpp"
#include "estimator_util.hpp"
#include "model_io.hpp"
#include "reduction.hpp"
#include "rf_tasks.hpp"

#include <algorithm>
#include <string>

namespace dislib {

using detail::Block;
using BlockFuture = compss::Future<Block>;

namespace {

constexpr const char* kName = "RandomForestClassifier";

/// The blocks stacked top to bottom (vstack_blocks tasks, a binary tree).
BlockFuture stack_rows(std::vector<BlockFuture> blocks) {
  return detail::reduce_tree_with(std::move(blocks), 2, [](const BlockFuture* const* in) {
    return detail::vstack_blocks(*in[0], *in[1]);
  });
}

}  // namespace

RandomForestClassifier::RandomForestClassifier(RandomForestClassifierParams params)
    : params_(params) {
  detail::require(params_.n_estimators >= 1, kName, "n_estimators must be at least 1");
  detail::require(!params_.max_depth || *params_.max_depth >= 1, kName,
                  "max_depth must be at least 1");
  detail::require(params_.min_samples_split >= 2, kName, "min_samples_split must be at least 2");
}

RandomForestClassifier& RandomForestClassifier::fit(const Array& x_in, const Array& y_in) {
  const std::size_t n = x_in.rows();
  detail::require(n >= 1 && x_in.cols() >= 1, kName, "fit needs samples and features");
  detail::require(y_in.rows() == n && y_in.cols() == 1, kName,
                  "y must be a column of " + std::to_string(n) + " labels, not " +
                      std::to_string(y_in.rows()) + "x" + std::to_string(y_in.cols()));
  // The classes: the labels, gathered (n values; the features stay in their blocks).
  classes_.clear();
  for (const std::vector<double>& row : y_in.collect()) classes_.push_back(row.at(0));
  std::sort(classes_.begin(), classes_.end());
  classes_.erase(std::unique(classes_.begin(), classes_.end()), classes_.end());
  n_features_ = x_in.cols();

  const Array x = detail::whole_rows(x_in);
  const Array y = detail::align_rows(y_in, x.grid());
  std::vector<BlockFuture> rows;  // [x | y] per row block
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    rows.push_back(detail::hstack_blocks(x.grid().block(i, 0), y.grid().block(i, 0)));
  const BlockFuture data = stack_rows(std::move(rows));
  std::vector<BlockFuture> trees;
  for (std::size_t t = 0; t < params_.n_estimators; ++t)
    trees.push_back(detail::rf_tree(data, classes_, params_.max_depth.value_or(0),
                                    params_.min_samples_split, params_.random_state, t));
  forest_ = stack_rows(std::move(trees)).get();
  return *this;
}

Array RandomForestClassifier::predict(const Array& x_in) const {
  require_fitted("predict");
  detail::require(x_in.cols() == n_features_, kName,
                  "X has " + std::to_string(x_in.cols()) + " features, the forest " +
                      std::to_string(n_features_));
  const Array x = detail::whole_rows(x_in);
  const BlockFuture forest(forest_);
  std::vector<BlockFuture> out;
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    out.push_back(detail::rf_predict(x.grid().block(i, 0), forest, classes_));
  return detail::column_of(x.grid(), std::move(out));
}

double RandomForestClassifier::score(const Array& x, const Array& y) const {
  return detail::accuracy(predict(x), y, kName);
}

void RandomForestClassifier::require_fitted(const char* what) const {
  detail::require(!forest_.empty(), kName, std::string(what) + " needs a fitted model: call fit first");
}

const std::vector<double>& RandomForestClassifier::classes() const {
  require_fitted("classes");
  return classes_;
}

void RandomForestClassifier::save(const std::string& path) const {
  require_fitted("save");
  detail::Json params = {{"n_estimators", params_.n_estimators},
                         {"max_depth", params_.max_depth.value_or(0)},
                         {"min_samples_split", params_.min_samples_split},
                         {"random_state", params_.random_state}};
  detail::write_model(path, kName, std::move(params),
                      {{"forest", forest_}, {"classes", classes_}, {"n_features", n_features_}});
}

RandomForestClassifier RandomForestClassifier::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  RandomForestClassifierParams params;
  try {
    const detail::Json& p = doc["params"];
    params.n_estimators = p.at("n_estimators").get<std::size_t>();
    if (const auto depth = p.at("max_depth").get<std::size_t>(); depth != 0) params.max_depth = depth;
    params.min_samples_split = p.at("min_samples_split").get<std::size_t>();
    params.random_state = p.at("random_state").get<std::uint64_t>();
  } catch (const detail::Json::exception& e) {
    throw compss::Error("dislib: " + path + ": bad RandomForestClassifier params: " + e.what());
  }
  RandomForestClassifier rf(params);
  rf.forest_ = detail::vector_field(doc, path, "forest");
  rf.classes_ = detail::vector_field(doc, path, "classes");
  rf.n_features_ = static_cast<std::size_t>(detail::number_field(doc, path, "n_features"));
  detail::require(rf.forest_.size() >= detail::kBlockHeader &&
                      detail::block_cols(rf.forest_) == detail::kTreeLeadCols + rf.classes_.size(),
                  kName, path + ": the saved forest is malformed");
  return rf;
}

}  // namespace dislib
