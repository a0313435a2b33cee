// dislib::KMeans: initialisation (given centres, random rows, k-means++), Lloyd's
// iterations over row blocks with a partial-sum reduction tree, labels and inertia.
#include <compss/dislib/kmeans.hpp>

#include "block_tasks.hpp"
#include "estimator_util.hpp"
#include "kmeans_tasks.hpp"
#include "model_io.hpp"
#include "reduction.hpp"

#include <compss/error.hpp>

#include <algorithm>
#include <random>
#include <set>

namespace dislib {

using detail::Block;
using BlockFuture = compss::Future<Block>;

namespace {

constexpr const char* kName = "KMeans";

// scikit-learn's _tolerance: tol times the mean of the features' variances.
double absolute_tolerance(const Array& x, double tol) {
  if (tol == 0) return 0;
  double total = 0;
  for (double v : detail::column_variances(x, detail::collect_row(x.mean(0)))) total += v;
  return tol * total / static_cast<double>(x.cols());
}

unsigned long long seed_of(const KMeansParams& p) {
  if (p.random_state) return *p.random_state;
  return (static_cast<unsigned long long>(std::random_device{}()) << 32) ^ std::random_device{}();
}

// A uniform double in [0, 1) from the generator (the same in every standard library).
double uniform(std::mt19937_64& gen) { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }

// "random": n_clusters distinct rows, chosen uniformly.
Matrix random_rows(const Array& x, std::size_t k, std::mt19937_64& gen) {
  const detail::BlockGrid& g = x.grid();
  std::set<std::size_t> chosen;
  std::vector<std::size_t> order;
  while (order.size() < k) {
    const std::size_t r = static_cast<std::size_t>(uniform(gen) * static_cast<double>(x.rows()));
    if (chosen.insert(r).second) order.push_back(r);
  }
  // One task per block that holds chosen rows; the centres keep the order of the draws.
  Matrix centers(k);
  for (std::size_t i = 0; i < g.n_block_rows(); ++i) {
    std::vector<std::size_t> local, slots;
    for (std::size_t s = 0; s < k; ++s)
      if (order[s] >= g.row_starts[i] && order[s] < g.row_starts[i + 1]) {
        local.push_back(order[s] - g.row_starts[i]);
        slots.push_back(s);
      }
    if (local.empty()) continue;
    const BlockFuture taken = detail::take_rows_block(g.block(i, 0), local);
    const Matrix rows = detail::block_matrix(taken.get());
    for (std::size_t s = 0; s < slots.size(); ++s) centers[slots[s]] = rows[s];
  }
  return centers;
}

// k-means++ (Arthur and Vassilvitskii): the first centre uniformly, each next one a row
// drawn with probability proportional to its squared distance to the nearest centre so
// far. One round of tasks (distances, their sums per block) and one wait per centre.
Matrix kmeans_plus_plus(const Array& x, std::size_t k, std::mt19937_64& gen) {
  const detail::BlockGrid& g = x.grid();
  Matrix centers;
  const std::size_t first = static_cast<std::size_t>(uniform(gen) * static_cast<double>(x.rows()));
  centers.push_back(x.slice_rows(first, first + 1).collect().front());
  std::vector<BlockFuture> distances(g.n_block_rows(), BlockFuture(detail::empty_block()));
  while (centers.size() < k) {
    const BlockFuture center(detail::row_block(centers.back()));
    std::vector<BlockFuture> sums;
    for (std::size_t i = 0; i < g.n_block_rows(); ++i) {
      distances[i] = detail::kpp_distances(g.block(i, 0), distances[i], center);
      sums.push_back(detail::reduce_block(distances[i], 0, detail::red_sum));
    }
    std::vector<double> block_sums;
    double total = 0;
    for (BlockFuture& s : sums) {
      block_sums.push_back(detail::block_vector(s.get()).front());
      total += block_sums.back();
    }
    if (total <= 0) {  // every row is a centre already: repeat the last one
      centers.push_back(centers.back());
      continue;
    }
    double threshold = uniform(gen) * total;
    std::size_t i = 0;
    while (i + 1 < block_sums.size() && threshold >= block_sums[i]) threshold -= block_sums[i++];
    const BlockFuture row = detail::kpp_pick_row(g.block(i, 0), distances[i], threshold);
    centers.push_back(detail::block_vector(row.get()));
  }
  return centers;
}

// Lloyd's partials of x's row blocks (whole rows) for `centers`, summed in a tree of
// `arity`: row j holds centre j's sum of points, count and (with_inertia) squared distances.
BlockFuture summed_partials(const Array& x, const Matrix& centers, bool with_inertia,
                            std::size_t arity) {
  const detail::BlockGrid& g = x.grid();
  const BlockFuture center_block(detail::matrix_block(centers));
  std::vector<BlockFuture> parts;
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    parts.push_back(detail::kmeans_partial(g.block(i, 0), center_block, with_inertia));
  return detail::reduce_tree(std::move(parts), detail::red_sum, arity);
}

}  // namespace

KMeans::KMeans(KMeansParams params) : params_(std::move(params)) {
  detail::require(params_.n_clusters > 0, kName, "n_clusters must be positive");
  detail::require(params_.arity >= 2 && params_.arity <= detail::kMaxArity, kName,
                  "arity must be between 2 and 8, not " + std::to_string(params_.arity));
  detail::require(params_.tol >= 0, kName, "tol must be >= 0");
  detail::require(params_.max_iter >= 1, kName, "max_iter must be at least 1");
  const std::string& m = params_.init.method;
  detail::require(m == "k-means++" || m == "random" || m == "array", kName,
                  "init must be \"k-means++\", \"random\" or the initial centres, not \"" + m +
                      "\"");
}

KMeans& KMeans::fit(const Array& x_in) {
  const std::size_t k = params_.n_clusters, d = x_in.cols();
  detail::require(x_in.rows() >= k, kName,
                  "n_samples=" + std::to_string(x_in.rows()) + " should be >= n_clusters=" +
                      std::to_string(k));
  const Array x = detail::whole_rows(x_in);

  std::mt19937_64 gen(seed_of(params_));
  Matrix centers;
  if (params_.init.method == "array") {
    centers = params_.init.centers;
    detail::require(centers.size() == k, kName,
                    "init has " + std::to_string(centers.size()) + " centres, n_clusters is " +
                        std::to_string(k));
    for (const auto& c : centers)
      detail::require(c.size() == d, kName,
                      "init's centres have " + std::to_string(c.size()) +
                          " features, the data " + std::to_string(d));
  } else if (params_.init.method == "random") {
    centers = random_rows(x, k, gen);
  } else {
    centers = kmeans_plus_plus(x, k, gen);
  }
  const double tol = absolute_tolerance(x, params_.tol);

  std::size_t iteration = 0;
  for (; iteration < params_.max_iter; ++iteration) {
    const BlockFuture reduced = summed_partials(x, centers, false, params_.arity);
    const Block& total = reduced.get();
    double shift = 0;
    for (std::size_t j = 0; j < k; ++j) {
      const double count = detail::at(total, j, d);
      if (count == 0) continue;  // an empty cluster keeps its centre
      for (std::size_t e = 0; e < d; ++e) {
        const double c = detail::at(total, j, e) / count;
        shift += (c - centers[j][e]) * (c - centers[j][e]);
        centers[j][e] = c;
      }
    }
    if (shift <= tol) {
      ++iteration;
      break;
    }
  }
  n_iter_ = iteration;
  centers_ = std::move(centers);

  // Inertia for the final centres (scikit-learn's last E-step); the labels are computed
  // when asked for (labels(), fit_predict), so a fit alone costs no extra pass.
  inertia_ = squared_distance_sum(x);
  fitted_x_ = x;
  labels_.reset();
  return *this;
}

Array KMeans::predict(const Array& x_in) const {
  return per_row_block(fitted_rows(x_in, "predict"), false);
}

// The sum over x's rows (whole-row blocks) of the squared distance to the nearest centre:
// the final pass of kmeans_partial (one task per row block, a tree of `arity`).
double KMeans::squared_distance_sum(const Array& x) const {
  const std::size_t k = centers_.size(), d = x.cols();
  const BlockFuture reduced = summed_partials(x, centers_, true, params_.arity);
  const Block& total = reduced.get();
  double sum = 0;
  for (std::size_t j = 0; j < k; ++j) sum += detail::at(total, j, d + 1);
  return sum;
}

double KMeans::score(const Array& x_in) const {
  return -squared_distance_sum(fitted_rows(x_in, "score"));
}

Array KMeans::transform(const Array& x_in) const {
  return per_row_block(fitted_rows(x_in, "transform"), true);
}

// One task per row block of x (whole rows) against the centres: each row's nearest centre
// (rows x 1), or with `distances` its distance to every centre (rows x n_clusters).
Array KMeans::per_row_block(const Array& x, bool distances) const {
  const detail::BlockGrid& g = x.grid();
  const BlockFuture center_block(detail::matrix_block(centers_));
  std::vector<BlockFuture> out;
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    out.push_back(distances ? detail::kmeans_distances(g.block(i, 0), center_block)
                            : detail::kmeans_labels(g.block(i, 0), center_block));
  return detail::column_of(g, std::move(out), distances ? centers_.size() : 1);
}

Array KMeans::fit_predict(const Array& x) {
  fit(x);
  return labels();
}

void KMeans::require_fitted(const char* what) const {
  detail::require(!centers_.empty(), kName,
                  std::string(what) + " needs a fitted model: call fit first");
}

// x in blocks of whole rows, checked against a fitted model's number of features.
Array KMeans::fitted_rows(const Array& x_in, const char* what) const {
  require_fitted(what);
  const Array x = detail::whole_rows(x_in);
  detail::require(x.cols() == centers_.front().size(), kName,
                  std::string(what) + ": X has " + std::to_string(x.cols()) +
                      " features, the model " + std::to_string(centers_.front().size()));
  return x;
}

const Matrix& KMeans::cluster_centers() const {
  require_fitted("cluster_centers");
  return centers_;
}
double KMeans::inertia() const {
  require_fitted("inertia");
  return inertia_;
}
std::size_t KMeans::n_iter() const {
  require_fitted("n_iter");
  return n_iter_;
}
const Array& KMeans::labels() const {
  require_fitted("labels");
  detail::require(fitted_x_.has_value(), kName, "labels: the model was loaded, not fitted; "
                                                "call predict on the data");
  if (!labels_) labels_ = predict(*fitted_x_);
  return *labels_;
}

void KMeans::save(const std::string& path) const {
  require_fitted("save");
  detail::Json params = {{"n_clusters", params_.n_clusters},
                         {"init", params_.init.method},
                         {"max_iter", params_.max_iter},
                         {"tol", params_.tol},
                         {"arity", params_.arity}};
  if (params_.init.method == "array") params["init_centers"] = params_.init.centers;
  params["random_state"] = params_.random_state ? detail::Json(*params_.random_state) : detail::Json();
  detail::write_model(path, kName, std::move(params),
                      {{"cluster_centers", centers_}, {"inertia", inertia_}, {"n_iter", n_iter_}});
}

KMeans KMeans::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  const detail::Json& p = doc.at("params");
  KMeansParams params;
  try {
    params.n_clusters = p.at("n_clusters").get<std::size_t>();
    params.init.method = p.at("init").get<std::string>();
    if (params.init.method == "array") params.init.centers = p.at("init_centers").get<Matrix>();
    params.max_iter = p.at("max_iter").get<std::size_t>();
    params.tol = p.at("tol").get<double>();
    params.arity = p.at("arity").get<std::size_t>();
    if (!p.at("random_state").is_null())
      params.random_state = p.at("random_state").get<unsigned long long>();
  } catch (const detail::Json::exception& e) {
    throw compss::Error("dislib: " + path + ": bad KMeans parameters: " + e.what());
  }
  KMeans km(params);
  km.centers_ = detail::matrix_field(doc, path, "cluster_centers");
  km.inertia_ = detail::number_field(doc, path, "inertia");
  km.n_iter_ = static_cast<std::size_t>(detail::number_field(doc, path, "n_iter"));
  detail::require(km.centers_.size() == params.n_clusters, kName,
                  path + ": cluster_centers has " + std::to_string(km.centers_.size()) +
                      " rows, n_clusters is " + std::to_string(params.n_clusters));
  return km;
}

}  // namespace dislib
