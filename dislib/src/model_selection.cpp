// dislib::KFold and concatenate_rows: folds as slices and concatenations of row blocks
// (blocks shared; only blocks a fold boundary cuts get a slicing task).
#include <compss/dislib/model_selection.hpp>

#include "block_grid.hpp"
#include "estimator_util.hpp"

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

KFold::KFold(KFoldParams params) : params_(params) {
  detail::require(params_.n_splits >= 2, "KFold",
                  "n_splits must be at least 2, not " + std::to_string(params_.n_splits));
}

std::vector<Fold> KFold::split(const Array& x, const Array& y) const {
  const std::size_t n = x.rows(), k = params_.n_splits;
  detail::require(y.rows() == n, "KFold",
                  "X has " + std::to_string(n) + " samples, y " + std::to_string(y.rows()));
  detail::require(n >= k, "KFold",
                  "cannot have n_splits=" + std::to_string(k) + " greater than the number of "
                  "samples: n_samples=" + std::to_string(n));
  std::vector<Fold> folds;
  std::size_t start = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t end = start + n / k + (i < n % k ? 1 : 0);
    folds.push_back({concatenate_rows(x.slice_rows(0, start), x.slice_rows(end, n)),
                     concatenate_rows(y.slice_rows(0, start), y.slice_rows(end, n)),
                     x.slice_rows(start, end), y.slice_rows(start, end)});
    start = end;
  }
  return folds;
}

}  // namespace dislib
