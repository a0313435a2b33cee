// dislib::StandardScaler and dislib::MinMaxScaler: statistics by reductions over the
// blocks, then one column_affine_block task per block to transform.
#include <compss/dislib/preprocessing.hpp>

#include "block_tasks.hpp"
#include "estimator_util.hpp"
#include "model_io.hpp"

#include <cmath>
#include <limits>

namespace dislib {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// scikit-learn's _handle_zeros_in_scale: a scale too small to divide by becomes 1
// (`constant`, when given, marks the features scikit-learn calls constant).
std::vector<double> handle_zeros(std::vector<double> scale, const std::vector<bool>& constant = {}) {
  for (std::size_t j = 0; j < scale.size(); ++j)
    if (scale[j] < 10 * kEps || (!constant.empty() && constant[j])) scale[j] = 1.0;
  return scale;
}

}  // namespace

StandardScaler& StandardScaler::fit(const Array& x) {
  detail::require(x.rows() > 0, "StandardScaler", "fit needs at least one sample");
  mean_ = detail::collect_row(x.mean(0));
  var_ = detail::column_variances(x, mean_);
  // scikit-learn's _is_constant_feature: a variance within rounding of zero.
  const double n = static_cast<double>(x.rows());
  std::vector<bool> constant(var_.size());
  std::vector<double> std_dev(var_.size());
  for (std::size_t j = 0; j < var_.size(); ++j) {
    const double bound = n * kEps * var_[j] + (n * mean_[j] * kEps) * (n * mean_[j] * kEps);
    constant[j] = var_[j] <= bound;
    std_dev[j] = std::sqrt(var_[j]);
  }
  scale_ = handle_zeros(std_dev, constant);
  return *this;
}

Array StandardScaler::transform(const Array& x) const {
  require_fitted("transform");
  detail::require(x.cols() == mean_.size(), "StandardScaler",
                  "X has " + std::to_string(x.cols()) + " features, the scaler " +
                      std::to_string(mean_.size()));
  return detail::map_columns(x, params_.with_mean ? mean_ : std::vector<double>(mean_.size(), 0.0),
                             params_.with_std ? scale_ : std::vector<double>(scale_.size(), 1.0),
                             0);
}

Array StandardScaler::inverse_transform(const Array& z) const {
  require_fitted("inverse_transform");
  return detail::map_columns(z, params_.with_mean ? mean_ : std::vector<double>(mean_.size(), 0.0),
                             params_.with_std ? scale_ : std::vector<double>(scale_.size(), 1.0),
                             1);
}

void StandardScaler::require_fitted(const char* what) const {
  detail::require(!mean_.empty(), "StandardScaler",
                  std::string(what) + " needs a fitted scaler: call fit first");
}
const std::vector<double>& StandardScaler::mean() const { require_fitted("mean"); return mean_; }
const std::vector<double>& StandardScaler::var() const { require_fitted("var"); return var_; }
const std::vector<double>& StandardScaler::scale() const { require_fitted("scale"); return scale_; }

void StandardScaler::save(const std::string& path) const {
  require_fitted("save");
  detail::write_model(path, "StandardScaler",
                      {{"with_mean", params_.with_mean}, {"with_std", params_.with_std}},
                      {{"mean", mean_}, {"var", var_}, {"scale", scale_}});
}

StandardScaler StandardScaler::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, "StandardScaler");
  StandardScaler s({.with_mean = doc["params"].value("with_mean", true),
                    .with_std = doc["params"].value("with_std", true)});
  s.mean_ = detail::vector_field(doc, path, "mean");
  s.var_ = detail::vector_field(doc, path, "var");
  s.scale_ = detail::vector_field(doc, path, "scale");
  return s;
}

MinMaxScaler::MinMaxScaler(MinMaxScalerParams params) : params_(params) {
  detail::require(params_.feature_range.first < params_.feature_range.second, "MinMaxScaler",
                  "minimum of feature_range must be smaller than maximum");
}

MinMaxScaler& MinMaxScaler::fit(const Array& x) {
  detail::require(x.rows() > 0, "MinMaxScaler", "fit needs at least one sample");
  data_min_ = detail::collect_row(x.min(0));
  data_max_ = detail::collect_row(x.max(0));
  data_range_.resize(data_min_.size());
  for (std::size_t j = 0; j < data_min_.size(); ++j) data_range_[j] = data_max_[j] - data_min_[j];
  const auto [lo, hi] = params_.feature_range;
  scale_ = handle_zeros(data_range_);
  min_.resize(scale_.size());
  for (std::size_t j = 0; j < scale_.size(); ++j) {
    scale_[j] = (hi - lo) / scale_[j];
    min_[j] = lo - data_min_[j] * scale_[j];
  }
  return *this;
}

Array MinMaxScaler::transform(const Array& x) const {
  require_fitted("transform");
  detail::require(x.cols() == scale_.size(), "MinMaxScaler",
                  "X has " + std::to_string(x.cols()) + " features, the scaler " +
                      std::to_string(scale_.size()));
  return detail::map_columns(x, min_, scale_, 1);  // x * scale_ + min_
}

Array MinMaxScaler::inverse_transform(const Array& z) const {
  require_fitted("inverse_transform");
  return detail::map_columns(z, min_, scale_, 0);  // (z - min_) / scale_
}

void MinMaxScaler::require_fitted(const char* what) const {
  detail::require(!scale_.empty(), "MinMaxScaler",
                  std::string(what) + " needs a fitted scaler: call fit first");
}
const std::vector<double>& MinMaxScaler::data_min() const { require_fitted("data_min"); return data_min_; }
const std::vector<double>& MinMaxScaler::data_max() const { require_fitted("data_max"); return data_max_; }
const std::vector<double>& MinMaxScaler::data_range() const { require_fitted("data_range"); return data_range_; }
const std::vector<double>& MinMaxScaler::scale() const { require_fitted("scale"); return scale_; }
const std::vector<double>& MinMaxScaler::min() const { require_fitted("min"); return min_; }

void MinMaxScaler::save(const std::string& path) const {
  require_fitted("save");
  detail::write_model(path, "MinMaxScaler",
                      {{"feature_range", {params_.feature_range.first, params_.feature_range.second}}},
                      {{"data_min", data_min_},
                       {"data_max", data_max_},
                       {"data_range", data_range_},
                       {"scale", scale_},
                       {"min", min_}});
}

MinMaxScaler MinMaxScaler::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, "MinMaxScaler");
  std::pair<double, double> range{0.0, 1.0};
  try {
    range = {doc["params"].at("feature_range").at(0).get<double>(),
             doc["params"].at("feature_range").at(1).get<double>()};
  } catch (const detail::Json::exception& e) {
    throw compss::Error("dislib: " + path + ": bad feature_range: " + e.what());
  }
  MinMaxScaler s({.feature_range = range});
  s.data_min_ = detail::vector_field(doc, path, "data_min");
  s.data_max_ = detail::vector_field(doc, path, "data_max");
  s.data_range_ = detail::vector_field(doc, path, "data_range");
  s.scale_ = detail::vector_field(doc, path, "scale");
  s.min_ = detail::vector_field(doc, path, "min");
  return s;
}

}  // namespace dislib
