// dislib::KFold and concatenate_rows: folds as slices and concatenations of row blocks
// (blocks shared; only blocks a fold boundary cuts get a slicing task).
#include <compss/dislib/model_selection.hpp>

#include "block_grid.hpp"
#include "block_tasks.hpp"
#include "estimator_util.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace dislib {

Array concatenate_rows(const Array& a, const Array& b) {
  if (a.rows() == 0) return b;
  if (b.rows() == 0) return a;
  detail::require(a.cols() == b.cols(), "concatenate_rows",
                  "arrays of " + std::to_string(a.cols()) + " and " + std::to_string(b.cols()) +
                      " columns");
  const detail::BlockGrid& ag = a.grid();
  auto bg = detail::with_bounds(b.grid(), b.grid().row_starts, ag.col_starts);
  auto out = detail::empty_grid(ag.row_starts, ag.col_starts);
  out->blocks = ag.blocks;
  for (std::size_t i = 1; i < bg->row_starts.size(); ++i)
    out->row_starts.push_back(ag.rows() + bg->row_starts[i]);
  out->blocks.insert(out->blocks.end(), bg->blocks.begin(), bg->blocks.end());
  return Array(out);
}

namespace {

/// numpy's legacy RandomState(seed).shuffle(np.arange(n)) (what scikit-learn's KFold uses):
/// MT19937 seeded by init_genrand (std::mt19937's seeding), then Fisher-Yates from the
/// end, each j drawn in 0..i by masking 32-bit outputs and rejecting those above i.
std::vector<std::size_t> numpy_permutation(std::size_t n, std::uint32_t seed) {
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  std::mt19937 rng(seed);
  for (std::size_t i = n; i-- > 1;) {
    std::uint64_t mask = i;
    for (int shift : {1, 2, 4, 8, 16, 32}) mask |= mask >> shift;
    std::uint64_t j;
    do j = static_cast<std::uint64_t>(rng()) & mask;
    while (j > i);  // i < 2^32 here: numpy draws 64-bit values only beyond that
    std::swap(p[i], p[j]);
  }
  return p;
}

/// The rows `rows` (ascending) of a: each row block keeps the rows it holds (blocks with
/// none are left out); one take_rows_block task per block, none for a block kept whole.
Array take_rows(const Array& a, const std::vector<std::size_t>& rows) {
  const detail::BlockGrid& g = a.grid();
  auto out = detail::empty_grid({0}, g.col_starts);
  std::size_t next = 0;
  for (std::size_t i = 0; i < g.n_block_rows(); ++i) {
    std::vector<std::size_t> local;
    for (; next < rows.size() && rows[next] < g.row_starts[i + 1]; ++next)
      local.push_back(rows[next] - g.row_starts[i]);
    if (local.empty()) continue;
    out->row_starts.push_back(out->row_starts.back() + local.size());
    for (std::size_t j = 0; j < g.n_block_cols(); ++j) {
      if (local.size() == g.block_height(i)) out->blocks.push_back(g.block(i, j));
      else out->blocks.push_back(detail::take_rows_block(g.block(i, j), local));
    }
  }
  return Array(out);
}

}  // namespace

KFold::KFold(KFoldParams params) : params_(params) {
  detail::require(params_.n_splits >= 2, "KFold",
                  "n_splits must be at least 2, not " + std::to_string(params_.n_splits));
}

std::vector<std::vector<std::size_t>> KFold::test_indices(std::size_t n) const {
  const std::size_t k = params_.n_splits;
  detail::require(n >= k, "KFold",
                  "cannot have n_splits=" + std::to_string(k) + " greater than the number of "
                  "samples: n_samples=" + std::to_string(n));
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  if (params_.shuffle) order = numpy_permutation(n, params_.random_state);
  std::vector<std::vector<std::size_t>> folds;
  std::size_t start = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t end = start + n / k + (i < n % k ? 1 : 0);
    folds.emplace_back(order.begin() + static_cast<long>(start),
                       order.begin() + static_cast<long>(end));
    std::sort(folds.back().begin(), folds.back().end());
    start = end;
  }
  return folds;
}

std::vector<Fold> KFold::split(const Array& x, const Array& y) const {
  const std::size_t n = x.rows();
  detail::require(y.rows() == n, "KFold",
                  "X has " + std::to_string(n) + " samples, y " + std::to_string(y.rows()));
  std::vector<Fold> folds;
  for (const std::vector<std::size_t>& test : test_indices(n)) {
    if (!params_.shuffle) {  // consecutive rows: slices, blocks shared
      const std::size_t start = test.front(), end = test.back() + 1;
      folds.push_back({concatenate_rows(x.slice_rows(0, start), x.slice_rows(end, n)),
                       concatenate_rows(y.slice_rows(0, start), y.slice_rows(end, n)),
                       x.slice_rows(start, end), y.slice_rows(start, end)});
      continue;
    }
    std::vector<std::size_t> train;
    std::size_t t = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (t < test.size() && test[t] == r) ++t;
      else train.push_back(r);
    }
    folds.push_back({take_rows(x, train), take_rows(y, train), take_rows(x, test),
                     take_rows(y, test)});
  }
  return folds;
}

}  // namespace dislib
