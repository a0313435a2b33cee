// dislib::LinearRegression: normal equations of the centred data, Z^T Z by block tasks,
// solved on the master by LAPACK (dgelsd).
#include <compss/dislib/linear_model.hpp>

#include "block_grid.hpp"
#include "block_tasks.hpp"
#include "estimator_util.hpp"
#include "model_io.hpp"

#include <lapacke.h>

namespace dislib {

using detail::Block;

namespace {
constexpr const char* kName = "LinearRegression";
}

LinearRegression& LinearRegression::fit(const Array& x_in, const Array& y_in) {
  const std::size_t n = x_in.rows(), d = x_in.cols(), t = y_in.cols();
  detail::require(n >= 1 && d >= 1 && t >= 1, kName, "fit needs samples, features and targets");
  detail::require(y_in.rows() == n, kName,
                  "X has " + std::to_string(n) + " samples, y " + std::to_string(y_in.rows()));
  const Array x = detail::whole_rows(x_in);
  const Array y = detail::align_rows(y_in, x.grid());
  std::vector<double> x_mean(d, 0.0), y_mean(t, 0.0);
  if (params_.fit_intercept) {
    x_mean = detail::collect_row(x.mean(0));
    y_mean = detail::collect_row(y.mean(0));
  }
  // Z = [x y] per row block; (Z - mean)^T (Z - mean) holds X^T X and X^T y.
  const detail::BlockGrid& xg = x.grid();
  auto z = detail::empty_grid(xg.row_starts, {0, d + t});
  for (std::size_t i = 0; i < xg.n_block_rows(); ++i)
    z->blocks.push_back(detail::hstack_blocks(xg.block(i, 0), y.grid().block(i, 0)));
  std::vector<double> z_mean = x_mean;
  z_mean.insert(z_mean.end(), y_mean.begin(), y_mean.end());
  const Matrix gram = detail::centered_gram(Array(z), z_mean);

  std::vector<double> a(d * d), b(d * t);
  for (std::size_t r = 0; r < d; ++r) {
    for (std::size_t c = 0; c < d; ++c) a[r * d + c] = gram[r][c];
    for (std::size_t c = 0; c < t; ++c) b[r * t + c] = gram[r][d + c];
  }
  std::vector<double> singular(d);
  lapack_int rank = 0;
  const lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, static_cast<lapack_int>(d),
                                         static_cast<lapack_int>(d), static_cast<lapack_int>(t),
                                         a.data(), static_cast<lapack_int>(d), b.data(),
                                         static_cast<lapack_int>(t), singular.data(), -1.0, &rank);
  detail::require(info == 0, kName,
                  "least squares failed (LAPACKE_dgelsd info " + std::to_string(info) + ")");
  coef_.assign(t, std::vector<double>(d));
  intercept_.assign(t, 0.0);
  for (std::size_t c = 0; c < t; ++c) {
    intercept_[c] = y_mean[c];
    for (std::size_t r = 0; r < d; ++r) {
      coef_[c][r] = b[r * t + c];
      intercept_[c] -= x_mean[r] * coef_[c][r];
    }
  }
  return *this;
}

Array LinearRegression::predict(const Array& x) const {
  require_fitted("predict");
  const std::size_t d = coef_.front().size(), t = coef_.size();
  detail::require(x.cols() == d, kName,
                  "X has " + std::to_string(x.cols()) + " features, the model " + std::to_string(d));
  Matrix coef_t(d, std::vector<double>(t));
  for (std::size_t c = 0; c < t; ++c)
    for (std::size_t r = 0; r < d; ++r) coef_t[r][c] = coef_[c][r];
  return detail::row_gemm(detail::whole_rows(x), {}, coef_t, intercept_);
}

double LinearRegression::score(const Array& x, const Array& y) const {
  const Array residual = predict(x) - y;
  const std::vector<double> ss_res = detail::collect_row(residual.pow(2.0).sum(0));
  const std::vector<double> y_mean = detail::collect_row(y.mean(0));
  const std::vector<double> ss_tot = detail::column_variances(y, y_mean);
  double r2 = 0;
  for (std::size_t c = 0; c < ss_res.size(); ++c)
    r2 += 1.0 - ss_res[c] / (ss_tot[c] * static_cast<double>(y.rows()));
  return r2 / static_cast<double>(ss_res.size());
}

void LinearRegression::require_fitted(const char* what) const {
  detail::require(!coef_.empty(), kName, std::string(what) + " needs a fitted model: call fit first");
}
const Matrix& LinearRegression::coef() const { require_fitted("coef"); return coef_; }
const std::vector<double>& LinearRegression::intercept() const {
  require_fitted("intercept");
  return intercept_;
}

void LinearRegression::save(const std::string& path) const {
  require_fitted("save");
  detail::write_model(path, kName, {{"fit_intercept", params_.fit_intercept}},
                      {{"coef", coef_}, {"intercept", intercept_}});
}

LinearRegression LinearRegression::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  LinearRegression lr({.fit_intercept = doc["params"].value("fit_intercept", true)});
  lr.coef_ = detail::matrix_field(doc, path, "coef");
  lr.intercept_ = detail::vector_field(doc, path, "intercept");
  return lr;
}

}  // namespace dislib
