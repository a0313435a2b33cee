// Bodies of CascadeSVM's tasks: sample sets in and out of LIBSVM (svm_solver.hpp), the
// objective and decision values from kernel matrices (svm_kernel.hpp).
#include "csvm_tasks.hpp"
#include "blas_memory.hpp"

#include "svm_kernel.hpp"
#include "svm_solver.hpp"

#include <compss/error.hpp>
#include <compss/exception.hpp>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace dislib::detail {

namespace {

std::size_t samples_in(const Block& set) {
  return block_empty(set) ? 0 : block_rows(set) - kSampleHeaderRows;
}

std::size_t features_of(const Block& set) { return block_cols(set) - kSampleLeadCols; }

/// The features of the sample rows of a set (or of a plain data block: lead = 0).
RowsView feature_rows(const Block& b, std::size_t first_row, std::size_t rows,
                      std::size_t lead) {
  return {values(b) + first_row * block_cols(b) + lead, rows, block_cols(b) - lead,
          block_cols(b)};
}

/// A sample set with `rows` samples of `cols` columns, header [-1, rho, objective].
Block make_sample_set(std::size_t rows, std::size_t cols, double rho, double objective) {
  Block out = make_block(kSampleHeaderRows + rows, cols);
  at(out, 0, 0) = -1;
  at(out, 0, 1) = rho;
  at(out, 0, 2) = objective;
  return out;
}

/// 1/2 c^T K c - sum |c| over a set's samples (LIBSVM's dual objective).
double dual_objective(const Block& set, int kernel, double gamma) {
  const std::size_t m = samples_in(set);
  const RowsView f = feature_rows(set, kSampleHeaderRows, m, kSampleLeadCols);
  std::vector<double> k(m * m);
  kernel_matrix(f, f, kernel, gamma, k.data());
  std::vector<double> c(m), kc(m);
  for (std::size_t i = 0; i < m; ++i) c[i] = at(set, kSampleHeaderRows + i, 2);
  if (m > 0) {
    const BlasMemoryGuard blas_memory;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(m), static_cast<int>(m), 1.0,
                k.data(), static_cast<int>(m), c.data(), 1, 0.0, kc.data(), 1);
  }
  double quadratic = 0, linear = 0;
  for (std::size_t i = 0; i < m; ++i) {
    quadratic += c[i] * kc[i];
    linear += std::abs(c[i]);
  }
  return 0.5 * quadratic - linear;
}

}  // namespace

std::vector<double> csvm_labels(const Block& y_min, const Block& y_max) {
  const double negative = values(y_min)[0], positive = values(y_max)[0];
  if (!(negative < positive))
    throw compss::Error("dislib: CascadeSVM: y holds one class: fit needs two");
  return {negative, positive};
}

Block csvm_samples(const Block& x, const Block& y, std::size_t first_row,
                   std::vector<double> labels) {
  const double negative = labels.at(0), positive = labels.at(1);
  const std::size_t n = block_rows(x), d = block_cols(x);
  if (block_rows(y) != n || block_cols(y) != 1)
    throw compss::Error("dislib: CascadeSVM: y must be one label per row of X");
  Block out = make_sample_set(n, kSampleLeadCols + d, 0, 0);
  for (std::size_t r = 0; r < n; ++r) {
    const double label = at(y, r, 0);
    if (label != negative && label != positive)
      throw compss::Error("dislib: CascadeSVM: y has a third label " + std::to_string(label) +
                          " at row " + std::to_string(first_row + r) +
                          " (binary classification only)");
    at(out, kSampleHeaderRows + r, 0) = static_cast<double>(first_row + r);
    at(out, kSampleHeaderRows + r, 1) = label == positive ? 1.0 : -1.0;
    std::copy_n(&at(x, r, 0), d, &at(out, kSampleHeaderRows + r, kSampleLeadCols));
  }
  return out;
}

Block csvm_train(const Block& s0, const Block& s1, const Block& s2, const Block& s3,
                 const Block& s4, const Block& s5, const Block& s6, const Block& s7,
                 int kernel, double c, double gamma) {
  // The union, ordered by id, each sample once: the same problem whatever the inputs' order.
  std::map<double, const double*> by_id;
  std::size_t cols = 0;
  for (const Block* s : {&s0, &s1, &s2, &s3, &s4, &s5, &s6, &s7}) {
    if (block_empty(*s)) continue;
    if (cols != 0 && block_cols(*s) != cols)
      throw compss::Error("dislib: CascadeSVM: sample sets of different widths");
    cols = block_cols(*s);
    for (std::size_t r = kSampleHeaderRows; r < block_rows(*s); ++r)
      by_id.emplace(at(*s, r, 0), &at(*s, r, 0));
  }
  if (by_id.empty()) return empty_block();
  std::vector<double> packed;  // the union's rows, contiguous
  std::vector<double> y;
  packed.reserve(by_id.size() * cols);
  for (const auto& [id, row] : by_id) {
    packed.insert(packed.end(), row, row + cols);
    y.push_back(row[1]);
  }
  const std::size_t m = by_id.size();
  const bool two_classes = std::any_of(y.begin(), y.end(), [&](double v) { return v != y[0]; });
  Block out;
  if (!two_classes) {  // nothing to separate: keep every sample, decide for its label
    out = make_sample_set(m, cols, -y[0], 0);
    std::copy(packed.begin(), packed.end(), values(out) + kSampleHeaderRows * cols);
  } else {
    const SvmSolution sol = solve_svm({packed.data() + kSampleLeadCols, m,
                                       cols - kSampleLeadCols, cols},
                                      y, kernel, c, gamma);
    out = make_sample_set(sol.support.size(), cols, sol.rho, 0);
    for (std::size_t i = 0; i < sol.support.size(); ++i) {
      double* row = &at(out, kSampleHeaderRows + i, 0);
      std::copy_n(packed.data() + sol.support[i] * cols, cols, row);
      row[2] = sol.coef[i];
    }
  }
  at(out, 0, 2) = dual_objective(out, kernel, gamma);
  return out;
}

Block csvm_check(const Block& previous, const Block& root, double tol, std::size_t iteration,
                 bool throw_when_converged) {
  const double w = at(root, 0, 2);
  const bool converged =
      !block_empty(previous) && std::abs(w - at(previous, 0, 0)) <= tol * std::abs(w);
  if (converged && throw_when_converged)
    throw compss::Exception("CascadeSVM converged at iteration " + std::to_string(iteration));
  Block out = make_block(1, 2);
  at(out, 0, 0) = w;
  at(out, 0, 1) = converged ? 1.0 : 0.0;
  return out;
}

Block csvm_decision(const Block& x, const Block& model, int kernel, double gamma,
                    bool as_labels, std::vector<double> labels) {
  const double negative = labels.at(0), positive = labels.at(1);
  const std::size_t n = block_rows(x), m = samples_in(model);
  if (block_cols(x) != features_of(model))
    throw compss::Error("dislib: CascadeSVM: X has " + std::to_string(block_cols(x)) +
                        " features, the model " + std::to_string(features_of(model)));
  Block out = make_block(n, 1);
  const double rho = at(model, 0, 1);
  std::vector<double> coef(m);
  for (std::size_t i = 0; i < m; ++i) coef[i] = at(model, kSampleHeaderRows + i, 2);
  // Chunks of rows: each chunk's kernel matrix stays small and in cache.
  constexpr std::size_t kChunk = 256;
  std::vector<double> k(std::min(n, kChunk) * m);
  const BlasMemoryGuard blas_memory;  // kernel_matrix's dgemm and the dgemv
  for (std::size_t first = 0; first < n; first += kChunk) {
    const std::size_t rows = std::min(kChunk, n - first);
    kernel_matrix(feature_rows(x, first, rows, 0),
                  feature_rows(model, kSampleHeaderRows, m, kSampleLeadCols), kernel, gamma,
                  k.data());
    double* f = values(out) + first;  // K coef - rho
    std::fill(f, f + rows, -rho);
    if (m > 0)
      cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(rows), static_cast<int>(m), 1.0,
                  k.data(), static_cast<int>(m), coef.data(), 1, 1.0, f, 1);
    if (as_labels)
      for (std::size_t r = 0; r < rows; ++r) f[r] = f[r] > 0 ? positive : negative;
  }
  return out;
}

}  // namespace dislib::detail
