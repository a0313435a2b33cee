// Bodies of KMeans' block tasks. Distances in GEMM form: for rows x and centres c,
// argmin_j ||x - c_j||^2 = argmin_j (||c_j||^2 - 2 x.c_j), with all x.c_j of a block in one
// cblas_dgemm (n x d times d x k); the assigned distance itself is then summed exactly
// (sum of (x - c)^2), which keeps the inertia free of the GEMM form's cancellation.
#include "kmeans_tasks.hpp"

#include <compss/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <limits>
#include <string>

namespace dislib::detail {

namespace {

constexpr std::size_t kChunkRows = 256;

void require_same_width(const Block& x, const Block& centers) {
  if (block_cols(x) != block_cols(centers))
    throw compss::Error("dislib: KMeans: the data has " + std::to_string(block_cols(x)) +
                        " features, the centres " + std::to_string(block_cols(centers)));
}

// Nearest centre of each row of x.
std::vector<std::size_t> nearest_centers(const Block& x, const Block& centers) {
  require_same_width(x, centers);
  const std::size_t n = block_rows(x), d = block_cols(x), k = block_rows(centers);
  std::vector<std::size_t> labels(n, 0);
  if (n == 0 || k == 0) return labels;
  std::vector<double> center_norms(k);
  for (std::size_t j = 0; j < k; ++j)
    center_norms[j] = cblas_ddot(static_cast<int>(d), &at(centers, j, 0), 1, &at(centers, j, 0), 1);
  // Rows in chunks (scikit-learn's idea): a chunk's x . c_j (chunk x k) stays in cache
  // while its argmins are taken, instead of an n x k matrix written out and read back.
  const std::size_t chunk = std::min<std::size_t>(n, kChunkRows);
  std::vector<double> dots(chunk * k);
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t rows = std::min(chunk, n - first);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows),
                static_cast<int>(k), static_cast<int>(d), 1.0, &at(x, first, 0),
                static_cast<int>(d), values(centers), static_cast<int>(d), 0.0, dots.data(),
                static_cast<int>(k));
    for (std::size_t i = 0; i < rows; ++i) {
      const double* row = &dots[i * k];
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < k; ++j) {
        const double dist = center_norms[j] - 2.0 * row[j];
        if (dist < best) {  // ties: the lowest index, as scikit-learn
          best = dist;
          labels[first + i] = j;
        }
      }
    }
  }
  return labels;
}

double squared_distance(const double* a, const double* b, std::size_t d) {
  double s = 0;
  for (std::size_t e = 0; e < d; ++e) {
    const double diff = a[e] - b[e];
    s += diff * diff;
  }
  return s;
}

}  // namespace

Block kmeans_partial(const Block& x, const Block& centers, bool with_inertia) {
  const std::vector<std::size_t> labels = nearest_centers(x, centers);
  const std::size_t d = block_cols(x), k = block_rows(centers);
  Block p = make_block(k, d + 2);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::size_t j = labels[i];
    const double* xi = &at(x, i, 0);
    double* sums = &at(p, j, 0);
    for (std::size_t e = 0; e < d; ++e) sums[e] += xi[e];
    sums[d] += 1.0;
    if (with_inertia) sums[d + 1] += squared_distance(xi, &at(centers, j, 0), d);
  }
  return p;
}

Block kmeans_labels(const Block& x, const Block& centers) {
  const std::vector<std::size_t> labels = nearest_centers(x, centers);
  Block out = make_block(labels.size(), 1);
  for (std::size_t i = 0; i < labels.size(); ++i) values(out)[i] = static_cast<double>(labels[i]);
  return out;
}

Block kpp_distances(const Block& x, const Block& distances, const Block& center) {
  require_same_width(x, center);
  const std::size_t n = block_rows(x), d = block_cols(x);
  Block out = make_block(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    const double dist = squared_distance(&at(x, i, 0), values(center), d);
    values(out)[i] = block_empty(distances) ? dist : std::min(values(distances)[i], dist);
  }
  return out;
}

Block kpp_pick_row(const Block& x, const Block& distances, double threshold) {
  const std::size_t n = block_rows(x), d = block_cols(x);
  if (n == 0) throw compss::Error("dislib: KMeans: k-means++ picked a row in an empty block");
  std::size_t pick = n - 1;
  double running = 0;
  for (std::size_t i = 0; i < n; ++i) {
    running += values(distances)[i];
    if (running > threshold) {
      pick = i;
      break;
    }
  }
  Block row = make_block(1, d);
  std::copy(&at(x, pick, 0), &at(x, pick, 0) + d, values(row));
  return row;
}

}  // namespace dislib::detail
