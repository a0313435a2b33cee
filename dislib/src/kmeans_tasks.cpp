// Bodies of KMeans' block tasks. Distances in GEMM form: for rows x and centres c,
// argmin_j ||x - c_j||^2 = argmin_j (||c_j||^2 - 2 x.c_j), the x.c_j by cblas_dgemm; the
// assigned distance itself is then summed exactly (sum of (x - c)^2), which keeps the
// inertia free of the GEMM form's cancellation (||x||^2 is never needed).
//
// One pass over the block, as scikit-learn's chunked Lloyd: rows in chunks that fit in
// cache, and for each chunk the GEMM, each row's argmin and its addition to its centre's
// sum, before the next chunk is read. At small k the work is reading the block from
// memory, so reading it once (not once for the distances and again for the sums) is the
// gain; the scratch buffers are the thread's, kept between tasks (no allocation per task).
#include "kmeans_tasks.hpp"
#include "blas_memory.hpp"

#include <compss/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace dislib::detail {

namespace {

// 256 rows of 100 doubles are 200 KB: the chunk is still in L2 when its rows are summed.
constexpr std::size_t kChunkRows = 256;

void require_same_width(const Block& x, const Block& centers) {
  if (block_cols(x) != block_cols(centers))
    throw compss::Error("dislib: KMeans: the data has " + std::to_string(block_cols(x)) +
                        " features, the centres " + std::to_string(block_cols(centers)));
}

// Two doubles as one value (GCC/Clang vector extension): one SSE2 register on baseline
// x86-64 (a wider type would be passed through memory without AVX), lanes independent.
using Double2 = double __attribute__((vector_size(2 * sizeof(double))));

inline Double2 load2(const double* p) {
  Double2 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}

inline Double2 distances2(const double* norms, const double* dot, std::size_t j) {
  return load2(norms + j) - 2.0 * load2(dot + j);
}

// The nearest centre of one row whose dot products with the centres are dot[0..k): the
// smallest ||c_j||^2 - 2 x.c_j, ties to the lowest j (as scikit-learn). At large k this
// runs k times per row, as often as the GEMM's inner loop: a plain loop carrying its
// running minimum and index is one long dependency chain (minsd then cmov per centre, ~4
// cycles each: at k = 500 as long as the GEMM itself), so the minimum is taken first over
// eight independent lanes with vector instructions, then its first index is found eight
// at a time. The distance is the same expression in both passes, so the equality is exact;
// a NaN distance never wins, as before.
std::size_t nearest_center(const double* norms, const double* dot, std::size_t k) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Double2 m0 = {kInf, kInf}, m1 = m0, m2 = m0, m3 = m0;
  std::size_t j = 0;
  for (; j + 8 <= k; j += 8) {
    const Double2 d0 = distances2(norms, dot, j), d1 = distances2(norms, dot, j + 2);
    const Double2 d2 = distances2(norms, dot, j + 4), d3 = distances2(norms, dot, j + 6);
    m0 = d0 < m0 ? d0 : m0;
    m1 = d1 < m1 ? d1 : m1;
    m2 = d2 < m2 ? d2 : m2;
    m3 = d3 < m3 ? d3 : m3;
  }
  m0 = m1 < m0 ? m1 : m0;
  m2 = m3 < m2 ? m3 : m2;
  m0 = m2 < m0 ? m2 : m0;
  double best = m0[1] < m0[0] ? m0[1] : m0[0];
  for (; j < k; ++j) {
    const double dist = norms[j] - 2.0 * dot[j];
    best = dist < best ? dist : best;
  }
  const Double2 target = {best, best};
  j = 0;
  for (; j + 8 <= k; j += 8) {
    const auto hit = (distances2(norms, dot, j) == target) | (distances2(norms, dot, j + 2) == target) |
                     (distances2(norms, dot, j + 4) == target) | (distances2(norms, dot, j + 6) == target);
    if (hit[0] | hit[1]) break;  // the first match is among these eight
  }
  for (; j < k; ++j)
    if (norms[j] - 2.0 * dot[j] == best) return j;
  return 0;  // every distance NaN
}

// Calls on_row(i, row, j) for every row i of x in order, j being its nearest centre, chunk
// by chunk right after the chunk's distances, so that on_row reads the row from cache.
template <class OnRow>
void for_each_nearest(const Block& x, const Block& centers, OnRow&& on_row) {
  require_same_width(x, centers);
  const std::size_t n = block_rows(x), d = block_cols(x), k = block_rows(centers);
  if (n == 0 || k == 0) return;
  const double* rows_data = values(x);
  const double* c = values(centers);
  // Per thread, reused by every task the thread runs: resize only grows them.
  thread_local std::vector<double> center_norms, dots;
  center_norms.resize(k);
  for (std::size_t j = 0; j < k; ++j)
    center_norms[j] = cblas_ddot(static_cast<int>(d), c + j * d, 1, c + j * d, 1);
  const std::size_t chunk = std::min(n, kChunkRows);
  const BlasMemoryGuard blas_memory;
  if (dots.size() < chunk * k) dots.resize(chunk * k);
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t rows = std::min(chunk, n - first);
    const double* chunk_data = rows_data + first * d;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows),
                static_cast<int>(k), static_cast<int>(d), 1.0, chunk_data, static_cast<int>(d),
                c, static_cast<int>(d), 0.0, dots.data(), static_cast<int>(k));
    for (std::size_t i = 0; i < rows; ++i) {
      const std::size_t nearest = nearest_center(center_norms.data(), &dots[i * k], k);
      on_row(first + i, chunk_data + i * d, nearest);
    }
  }
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
  const std::size_t d = block_cols(centers), k = block_rows(centers);
  Block p = make_block(k, d + 2);
  double* sums = values(p);
  const double* c = values(centers);
  for_each_nearest(x, centers, [&](std::size_t, const double* row, std::size_t j) {
    double* s = sums + j * (d + 2);
    for (std::size_t e = 0; e < d; ++e) s[e] += row[e];
    s[d] += 1.0;
    if (with_inertia) s[d + 1] += squared_distance(row, c + j * d, d);
  });
  return p;
}

Block kmeans_labels(const Block& x, const Block& centers) {
  Block out = make_block(block_rows(x), 1);
  double* labels = values(out);
  for_each_nearest(x, centers, [&](std::size_t i, const double*, std::size_t j) {
    labels[i] = static_cast<double>(j);
  });
  return out;
}

Block kmeans_distances(const Block& x, const Block& centers) {
  require_same_width(x, centers);
  const std::size_t n = block_rows(x), d = block_cols(x), k = block_rows(centers);
  Block out = make_block(n, k);
  if (n == 0 || k == 0) return out;
  double* dist = values(out);
  const double* c = values(centers);
  {
    const BlasMemoryGuard blas_memory;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), static_cast<int>(k),
                static_cast<int>(d), -2.0, values(x), static_cast<int>(d), c,
                static_cast<int>(d), 0.0, dist, static_cast<int>(k));
  }
  std::vector<double> center_norms(k);
  for (std::size_t j = 0; j < k; ++j)
    center_norms[j] = cblas_ddot(static_cast<int>(d), c + j * d, 1, c + j * d, 1);
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = &at(x, i, 0);
    const double row_norm = cblas_ddot(static_cast<int>(d), row, 1, row, 1);
    for (std::size_t j = 0; j < k; ++j) {
      double& v = dist[i * k + j];
      v = std::sqrt(std::max(0.0, v + row_norm + center_norms[j]));
    }
  }
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
