// dislib::StandardScaler and dislib::MinMaxScaler: per-feature scaling, as scikit-learn's.
#pragma once

#include <compss/dislib/array.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dislib {

/// scikit-learn's StandardScaler parameters (copy does not apply: arrays are immutable).
struct StandardScalerParams {
  bool with_mean = true;
  bool with_std = true;
};

/// Standardizes features: (x - mean) / std, with the population variance (ddof 0) and
/// features of zero variance left unscaled (scale 1), as scikit-learn's.
///
///   dislib::StandardScaler sc;
///   dislib::Array z = sc.fit_transform(x);
///   std::vector<double> mu = sc.mean();
class StandardScaler {
 public:
  explicit StandardScaler(StandardScalerParams params = {}) : params_(params) {}
  StandardScaler& fit(const Array& x);
  Array transform(const Array& x) const;
  Array fit_transform(const Array& x) { return fit(x).transform(x); }
  Array inverse_transform(const Array& z) const;

  /// scikit-learn's mean_, var_, scale_.
  const std::vector<double>& mean() const;
  const std::vector<double>& var() const;
  const std::vector<double>& scale() const;

  void save(const std::string& path) const;
  static StandardScaler load(const std::string& path);

 private:
  void require_fitted(const char* what) const;
  StandardScalerParams params_;
  std::vector<double> mean_, var_, scale_;
};

/// scikit-learn's MinMaxScaler parameters (copy and clip do not apply).
struct MinMaxScalerParams {
  std::pair<double, double> feature_range = {0.0, 1.0};
};

/// Scales each feature to feature_range: x * scale + min, with scale = (hi - lo) /
/// (data_max - data_min) (a constant feature gets scale hi - lo), as scikit-learn's.
class MinMaxScaler {
 public:
  explicit MinMaxScaler(MinMaxScalerParams params = {});
  MinMaxScaler& fit(const Array& x);
  Array transform(const Array& x) const;
  Array fit_transform(const Array& x) { return fit(x).transform(x); }
  Array inverse_transform(const Array& z) const;

  /// scikit-learn's data_min_, data_max_, data_range_, scale_, min_.
  const std::vector<double>& data_min() const;
  const std::vector<double>& data_max() const;
  const std::vector<double>& data_range() const;
  const std::vector<double>& scale() const;
  const std::vector<double>& min() const;

  void save(const std::string& path) const;
  static MinMaxScaler load(const std::string& path);

 private:
  void require_fitted(const char* what) const;
  MinMaxScalerParams params_;
  std::vector<double> data_min_, data_max_, data_range_, scale_, min_;
};

}  // namespace dislib
