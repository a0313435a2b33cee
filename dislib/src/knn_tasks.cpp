// Bodies of KNeighborsClassifier's tasks. Distances in GEMM form: ||q||^2 - 2 q.x + ||x||^2,
// with q.x of a chunk of query rows against the whole training block in one cblas_dgemm.
#include "knn_tasks.hpp"
#include "blas_memory.hpp"

#include <compss/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace dislib::detail {

namespace {

constexpr double kNone = std::numeric_limits<double>::infinity();

// A candidate neighbour: squared distance, training row, label. Ordered by distance,
// then row (scikit-learn's brute force keeps the smaller index on ties).
struct Candidate {
  double distance, row, label;
  bool operator<(const Candidate& o) const {
    return distance != o.distance ? distance < o.distance : row < o.row;
  }
};

// Writes the k best of `pairs` into row r of candidates.
void keep_best(std::vector<Candidate>& pairs, std::size_t k, Block& out, std::size_t r) {
  const std::size_t m = std::min(k, pairs.size());
  std::partial_sort(pairs.begin(), pairs.begin() + static_cast<long>(m), pairs.end());
  for (std::size_t j = 0; j < k; ++j) {
    at(out, r, j) = j < m ? pairs[j].distance : kNone;
    at(out, r, k + j) = j < m ? pairs[j].label : 0.0;
    at(out, r, 2 * k + j) = j < m ? pairs[j].row : 0.0;
  }
}

}  // namespace

Block knn_candidates(const Block& q, const Block& x, const Block& y, std::size_t first_row,
                     std::size_t k) {
  const std::size_t nq = block_rows(q), nx = block_rows(x), d = block_cols(q);
  if (block_cols(x) != d)
    throw compss::Error("dislib: KNeighborsClassifier: queries have " + std::to_string(d) +
                        " features, the training data " + std::to_string(block_cols(x)));
  Block out = make_block(nq, 3 * k);
  std::vector<double> x_norms(nx);
  for (std::size_t i = 0; i < nx; ++i)
    x_norms[i] = cblas_ddot(static_cast<int>(d), &at(x, i, 0), 1, &at(x, i, 0), 1);
  constexpr std::size_t kChunk = 256;
  std::vector<double> dots(std::min(nq, kChunk) * nx);
  std::vector<Candidate> pairs(nx);
  const BlasMemoryGuard blas_memory;
  for (std::size_t first = 0; first < nq; first += kChunk) {
    const std::size_t rows = std::min(kChunk, nq - first);
    if (nx > 0 && d > 0)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows),
                  static_cast<int>(nx), static_cast<int>(d), 1.0, &at(q, first, 0),
                  static_cast<int>(d), values(x), static_cast<int>(d), 0.0, dots.data(),
                  static_cast<int>(nx));
    for (std::size_t r = 0; r < rows; ++r) {
      const double q_norm =
          cblas_ddot(static_cast<int>(d), &at(q, first + r, 0), 1, &at(q, first + r, 0), 1);
      for (std::size_t i = 0; i < nx; ++i)
        pairs[i] = {std::max(0.0, q_norm - 2.0 * dots[r * nx + i] + x_norms[i]),
                    static_cast<double>(first_row + i), at(y, i, 0)};
      keep_best(pairs, k, out, first + r);
    }
  }
  return out;
}

Block knn_merge(const Block& a, const Block& b, std::size_t k) {
  if (block_rows(a) != block_rows(b))
    throw compss::Error("dislib: KNeighborsClassifier: candidate sets of different queries");
  Block out = make_block(block_rows(a), 3 * k);
  std::vector<Candidate> pairs;
  for (std::size_t r = 0; r < block_rows(a); ++r) {
    pairs.clear();
    for (const Block* c : {&a, &b})
      for (std::size_t j = 0; j < k; ++j)
        if (at(*c, r, j) != kNone)
          pairs.push_back({at(*c, r, j), at(*c, r, 2 * k + j), at(*c, r, k + j)});
    keep_best(pairs, k, out, r);
  }
  return out;
}

Block knn_vote(const Block& candidates, std::size_t k) {
  Block out = make_block(block_rows(candidates), 1);
  std::map<double, std::size_t> votes;
  for (std::size_t r = 0; r < block_rows(candidates); ++r) {
    votes.clear();
    for (std::size_t j = 0; j < k; ++j)
      if (at(candidates, r, j) != kNone) ++votes[at(candidates, r, k + j)];
    double best_label = 0;
    std::size_t best = 0;
    for (const auto& [label, count] : votes)  // ascending labels: ties keep the smallest
      if (count > best) {
        best = count;
        best_label = label;
      }
    values(out)[r] = best_label;
  }
  return out;
}

namespace {
Block sorted_distinct(std::vector<double> labels) {
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  Block out = make_block(1, labels.size());
  std::copy(labels.begin(), labels.end(), values(out));
  return out;
}
}  // namespace

Block knn_class_labels(const Block& y) {
  return sorted_distinct(std::vector<double>(values(y), values(y) + block_rows(y)));
}

Block knn_class_union(const Block& a, const Block& b) {
  std::vector<double> labels(values(a), values(a) + block_cols(a));
  labels.insert(labels.end(), values(b), values(b) + block_cols(b));
  return sorted_distinct(std::move(labels));
}

Block knn_proba(const Block& candidates, std::size_t k, const Block& classes) {
  const std::size_t m = block_cols(classes);
  const double* first = values(classes);
  Block out = make_block(block_rows(candidates), m);
  for (std::size_t r = 0; r < block_rows(candidates); ++r) {
    std::size_t found = 0;
    for (std::size_t j = 0; j < k; ++j) {
      if (at(candidates, r, j) == kNone) continue;
      const double* c = std::lower_bound(first, first + m, at(candidates, r, k + j));
      if (c == first + m || *c != at(candidates, r, k + j))
        throw compss::Error("dislib: KNeighborsClassifier: a neighbour's label is not one of "
                            "the classes seen in fit");
      at(out, r, static_cast<std::size_t>(c - first)) += 1;
      ++found;
    }
    for (std::size_t c = 0; c < m; ++c) at(out, r, c) /= static_cast<double>(found);
  }
  return out;
}

Block knn_neighbors(const Block& candidates, std::size_t k, bool indices) {
  Block out = make_block(block_rows(candidates), k);
  for (std::size_t r = 0; r < block_rows(candidates); ++r)
    for (std::size_t j = 0; j < k; ++j)
      at(out, r, j) = indices ? at(candidates, r, 2 * k + j) : std::sqrt(at(candidates, r, j));
  return out;
}

}  // namespace dislib::detail
