// CascadeSVM's block tasks (cascade_svm.cpp calls them; bodies in csvm_tasks.cpp).
//
// A sample set is a block of (1 + m) x (3 + d): row 0 is a header [-1, rho, objective,
// 0...] (rho and the dual objective of the SVM that chose these samples; 0 for raw
// data), then one row per sample [id, y, coef, features...]: id its row in the training
// data, y +1 or -1, coef y alpha of the SVM that kept it (0 for raw data). The same
// layout serves a partition, a merge's input and output, and the fitted model.
#pragma once

#include "block.hpp"

#include <cstddef>
#include <vector>

namespace dislib::detail {

inline constexpr std::size_t kSampleHeaderRows = 1;
inline constexpr std::size_t kSampleLeadCols = 3;  // id, y, coef

/// The two classes {negative, positive} from y's minimum and maximum (1 x 1 blocks); one
/// class is a compss::Error. A task, so that fit waits for nothing.
#pragma compss task
std::vector<double> csvm_labels(const Block& y_min, const Block& y_max);

/// The sample set of one row block: x's rows with ids first_row, first_row + 1, ... and
/// y mapped to -1 (labels[0]) and +1 (labels[1]); another label is a compss::Error.
#pragma compss task
Block csvm_samples(const Block& x, const Block& y, std::size_t first_row,
                   std::vector<double> labels);

/// One SVM of the cascade: the union of up to eight sample sets (empty blocks are unused
/// slots; a sample in several sets counts once), solved by LIBSVM; returns its support
/// vectors (ascending ids) with their coefficients, rho and the dual objective
/// 1/2 c^T K c - sum |c|. A union of one class is returned whole (rho: minus its label).
#pragma compss task
Block csvm_train(const Block& s0, const Block& s1, const Block& s2, const Block& s3,
                 const Block& s4, const Block& s5, const Block& s6, const Block& s7,
                 int kernel, double c, double gamma);

/// The convergence check of iteration `iteration` (1-based) of the cascade: `previous` is
/// the check of the iteration before (1 x 1: its objective; an empty block for the first
/// iteration), `root` the iteration's model. Converged when |w - w_prev| <= tol |w|.
/// Returns [w, converged] (1 x 2). With `throw_when_converged`, a convergence throws
/// compss::Exception("CascadeSVM converged at iteration <n>") instead.
#pragma compss task
Block csvm_check(const Block& previous, const Block& root, double tol, std::size_t iteration,
                 bool throw_when_converged);

/// Per row of x (n x d): the decision value of the model's sample set (n x 1), or with
/// `as_labels` the label it predicts (labels[0] or labels[1]).
#pragma compss task
Block csvm_decision(const Block& x, const Block& model, int kernel, double gamma,
                    bool as_labels, std::vector<double> labels);

}  // namespace dislib::detail
