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

// The node `node` at `depth` of a tree whose top `levels` levels are tasks: a node task,
// the two children's samples, their subtrees (tasks below distr_depth), joined. Waits for
// nothing: a leaf's children have empty samples and come back empty.
compss::Future<detail::Block> RandomForestClassifier::grow_top(
    const compss::Future<detail::Block>& data, const compss::Future<std::vector<double>>& sample,
    const detail::TreeParams& tree, std::size_t levels, std::size_t depth,
    std::uint64_t node) const {
  if (depth == levels)
    return detail::rf_subtree(data, sample, classes_, tree, depth, node + 1);
  const BlockFuture split = detail::rf_node(data, sample, classes_, tree, depth, node + 1);
  const BlockFuture left = grow_top(data, detail::rf_child_sample(data, sample, split, false),
                                    tree, levels, depth + 1, 2 * node + 1);
  const BlockFuture right = grow_top(data, detail::rf_child_sample(data, sample, split, true),
                                     tree, levels, depth + 1, 2 * node + 2);
  return detail::rf_join(split, left, right, depth == 0);
}

RandomForestClassifier::RandomForestClassifier(RandomForestClassifierParams params)
    : params_(params) {
  detail::require(params_.n_estimators >= 1, kName, "n_estimators must be at least 1");
  detail::require(!params_.max_depth || *params_.max_depth >= 1, kName,
                  "max_depth must be at least 1");
  detail::require(params_.min_samples_split >= 2, kName, "min_samples_split must be at least 2");
  (void)params_.max_features.count(1u << 20);  // a bad rule is an error at construction
}

RandomForestClassifier& RandomForestClassifier::fit(const Array& x_in, const Array& y_in) {
  const std::size_t n = x_in.rows();
  detail::require(n >= 1 && x_in.cols() >= 1, kName, "fit needs samples and features");
  detail::require(y_in.rows() == n && y_in.cols() == 1, kName,
                  "y must be a column of " + std::to_string(n) + " labels, not " +
                      std::to_string(y_in.rows()) + "x" + std::to_string(y_in.cols()));
  n_features_ = x_in.cols();

  const Array x = detail::whole_rows(x_in);
  const Array y = detail::align_rows(y_in, x.grid());
  std::vector<BlockFuture> rows;  // [x | y] per row block
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    rows.push_back(detail::hstack_blocks(x.grid().block(i, 0), y.grid().block(i, 0)));
  const BlockFuture data = stack_rows(std::move(rows));
  classes_ = detail::rf_classes(data);
  const std::size_t max_features = params_.max_features.count(n_features_);
  const std::size_t levels = params_.distr_depth.levels(n, params_.max_depth);  // n: no wait
  std::vector<BlockFuture> trees;
  for (std::size_t t = 0; t < params_.n_estimators; ++t) {
    if (levels == 0) {
      trees.push_back(detail::rf_tree(data, classes_, params_.max_depth.value_or(0),
                                      params_.min_samples_split, max_features,
                                      params_.bootstrap, params_.random_state, t));
      continue;
    }
    const detail::TreeParams tree{params_.max_depth.value_or(0), params_.min_samples_split,
                                  max_features, params_.random_state, t};
    trees.push_back(grow_top(data, detail::rf_sample(data, params_.bootstrap,
                                                     params_.random_state, t),
                             tree, levels, 0, 0));
  }
  forest_ = stack_rows(std::move(trees));
  fitted_ = true;
  return *this;
}

Array RandomForestClassifier::predict(const Array& x_in) const {
  const Array x = checked_rows(x_in, "predict");
  std::vector<BlockFuture> out;
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    out.push_back(detail::rf_predict(x.grid().block(i, 0), forest_, classes_));
  return detail::column_of(x.grid(), std::move(out));
}

Array RandomForestClassifier::predict_proba(const Array& x_in) const {
  const Array x = checked_rows(x_in, "predict_proba");
  const std::size_t k = classes_.get().size();  // the output's width: waits for the labels
  auto out = detail::empty_grid(x.grid().row_starts, {0, k});
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    out->blocks.push_back(detail::rf_predict_proba(x.grid().block(i, 0), forest_, k));
  return Array(std::move(out));
}

Array RandomForestClassifier::checked_rows(const Array& x, const char* what) const {
  require_fitted(what);
  detail::require(x.cols() == n_features_, kName,
                  "X has " + std::to_string(x.cols()) + " features, the forest " +
                      std::to_string(n_features_));
  return detail::whole_rows(x);
}

double RandomForestClassifier::score(const Array& x, const Array& y) const {
  return score_async(x, y).get();
}

PendingScore RandomForestClassifier::score_async(const Array& x, const Array& y) const {
  return detail::accuracy(predict(x), y, kName);
}

void RandomForestClassifier::require_fitted(const char* what) const {
  detail::require(fitted_, kName, std::string(what) + " needs a fitted model: call fit first");
}

const std::vector<double>& RandomForestClassifier::classes() const {
  require_fitted("classes");
  return classes_.get();
}

void RandomForestClassifier::save(const std::string& path) const {
  require_fitted("save");
  detail::Json params = {{"n_estimators", params_.n_estimators},
                         {"max_depth", params_.max_depth.value_or(0)},
                         {"min_samples_split", params_.min_samples_split},
                         {"max_features", params_.max_features.to_string()},
                         {"bootstrap", params_.bootstrap},
                         {"random_state", params_.random_state},
                         {"distr_depth", params_.distr_depth.depth()
                                             ? detail::Json(*params_.distr_depth.depth())
                                             : detail::Json("auto")}};
  detail::write_model(path, kName, std::move(params),
                      {{"forest", forest_.get()}, {"classes", classes_.get()}, {"n_features", n_features_}});
}

RandomForestClassifier RandomForestClassifier::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  RandomForestClassifierParams params;
  try {
    const detail::Json& p = doc["params"];
    params.n_estimators = p.at("n_estimators").get<std::size_t>();
    if (const auto depth = p.at("max_depth").get<std::size_t>(); depth != 0) params.max_depth = depth;
    params.min_samples_split = p.at("min_samples_split").get<std::size_t>();
    params.max_features = MaxFeatures::parse(p.value("max_features", std::string("sqrt")));
    params.bootstrap = p.value("bootstrap", true);
    params.random_state = p.at("random_state").get<std::uint64_t>();
    if (const auto depth = p.find("distr_depth"); depth != p.end())
      params.distr_depth = depth->is_string() ? DistrDepth::parse(depth->get<std::string>())
                                              : DistrDepth(depth->get<std::size_t>());
  } catch (const detail::Json::exception& e) {
    throw compss::Error("dislib: " + path + ": bad RandomForestClassifier params: " + e.what());
  }
  RandomForestClassifier rf(params);
  const std::vector<double> forest = detail::vector_field(doc, path, "forest");
  const std::vector<double> classes = detail::vector_field(doc, path, "classes");
  rf.n_features_ = static_cast<std::size_t>(detail::number_field(doc, path, "n_features"));
  detail::require(forest.size() >= detail::kBlockHeader &&
                      detail::block_cols(forest) == detail::kTreeLeadCols + classes.size(),
                  kName, path + ": the saved forest is malformed");
  rf.forest_ = BlockFuture(forest);
  rf.classes_ = BlockFuture(classes);
  rf.fitted_ = true;
  return rf;
}

}  // namespace dislib
