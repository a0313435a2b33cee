// dislib::PCA: covariance by GEMM-family block tasks, eigenvectors by LAPACK on the master.
#include <compss/dislib/decomposition.hpp>

#include "estimator_util.hpp"
#include "model_io.hpp"

#include <lapacke.h>

#include <algorithm>
#include <cmath>

namespace dislib {

namespace {
constexpr const char* kName = "PCA";
}

PCA& PCA::fit(const Array& x_in) {
  const std::size_t n = x_in.rows(), d = x_in.cols();
  detail::require(n >= 2, kName, "fit needs at least 2 samples");
  const std::size_t k = params_.n_components.value_or(std::min(n, d));
  detail::require(k >= 1 && k <= std::min(n, d), kName,
                  "n_components=" + std::to_string(k) + " must be between 1 and min(n_samples, "
                  "n_features)=" + std::to_string(std::min(n, d)));
  const Array x = detail::whole_rows(x_in);
  mean_ = detail::collect_row(x.mean(0));
  const Matrix gram = detail::centered_gram(x, mean_);

  // Covariance, row-major d x d; dsyevd gives its eigenvalues ascending, the eigenvectors
  // as the columns of the matrix it overwrites.
  std::vector<double> cov(d * d);
  for (std::size_t r = 0; r < d; ++r)
    for (std::size_t c = 0; c < d; ++c) cov[r * d + c] = gram[r][c] / static_cast<double>(n - 1);
  std::vector<double> eig(d);
  const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', static_cast<lapack_int>(d),
                                         cov.data(), static_cast<lapack_int>(d), eig.data());
  detail::require(info == 0, kName, "the eigendecomposition failed (LAPACKE_dsyevd info " +
                                        std::to_string(info) + ")");
  double total = 0;
  for (double v : eig) total += std::max(v, 0.0);
  components_.assign(k, std::vector<double>(d));
  explained_variance_.assign(k, 0);
  explained_variance_ratio_.assign(k, 0);
  singular_values_.assign(k, 0);
  for (std::size_t c = 0; c < k; ++c) {
    const std::size_t col = d - 1 - c;  // largest first
    const double ev = std::max(eig[col], 0.0);
    explained_variance_[c] = ev;
    explained_variance_ratio_[c] = total > 0 ? ev / total : 0;
    singular_values_[c] = std::sqrt(ev * static_cast<double>(n - 1));
    std::size_t biggest = 0;
    for (std::size_t r = 0; r < d; ++r) {
      components_[c][r] = cov[r * d + col];
      if (std::abs(components_[c][r]) > std::abs(components_[c][biggest])) biggest = r;
    }
    if (components_[c][biggest] < 0)  // a deterministic sign: largest entry positive
      for (double& v : components_[c]) v = -v;
  }
  return *this;
}

Array PCA::transform(const Array& x) const {
  require_fitted("transform");
  detail::require(x.cols() == mean_.size(), kName,
                  "X has " + std::to_string(x.cols()) + " features, the model " +
                      std::to_string(mean_.size()));
  Matrix components_t(mean_.size(), std::vector<double>(components_.size()));
  for (std::size_t c = 0; c < components_.size(); ++c)
    for (std::size_t r = 0; r < mean_.size(); ++r) components_t[r][c] = components_[c][r];
  return detail::row_gemm(detail::whole_rows(x), mean_, components_t, {});
}

Array PCA::inverse_transform(const Array& z) const {
  require_fitted("inverse_transform");
  detail::require(z.cols() == components_.size(), kName,
                  "inverse_transform: z has " + std::to_string(z.cols()) + " columns, the model " +
                      std::to_string(components_.size()) + " components");
  return detail::row_gemm(detail::whole_rows(z), {}, components_, mean_);
}

void PCA::require_fitted(const char* what) const {
  detail::require(!components_.empty(), kName,
                  std::string(what) + " needs a fitted model: call fit first");
}
const Matrix& PCA::components() const { require_fitted("components"); return components_; }
const std::vector<double>& PCA::explained_variance() const {
  require_fitted("explained_variance");
  return explained_variance_;
}
const std::vector<double>& PCA::explained_variance_ratio() const {
  require_fitted("explained_variance_ratio");
  return explained_variance_ratio_;
}
const std::vector<double>& PCA::singular_values() const {
  require_fitted("singular_values");
  return singular_values_;
}
const std::vector<double>& PCA::mean() const { require_fitted("mean"); return mean_; }

void PCA::save(const std::string& path) const {
  require_fitted("save");
  detail::Json params = {{"n_components", nullptr}};
  if (params_.n_components) params["n_components"] = *params_.n_components;
  detail::write_model(path, kName, std::move(params),
                      {{"components", components_},
                       {"explained_variance", explained_variance_},
                       {"explained_variance_ratio", explained_variance_ratio_},
                       {"singular_values", singular_values_},
                       {"mean", mean_}});
}

PCA PCA::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  PCAParams params;
  const detail::Json nc = doc["params"].value("n_components", detail::Json());
  if (nc.is_number_unsigned()) params.n_components = nc.get<std::size_t>();
  PCA pca(params);
  pca.components_ = detail::matrix_field(doc, path, "components");
  pca.explained_variance_ = detail::vector_field(doc, path, "explained_variance");
  pca.explained_variance_ratio_ = detail::vector_field(doc, path, "explained_variance_ratio");
  pca.singular_values_ = detail::vector_field(doc, path, "singular_values");
  pca.mean_ = detail::vector_field(doc, path, "mean");
  return pca;
}

}  // namespace dislib
