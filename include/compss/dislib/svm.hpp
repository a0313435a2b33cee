// dislib::CascadeSVM: a support vector classifier trained by a cascade of SVMs over the
// row blocks (Graf et al.'s cascade SVM, as bsc-wdc/dislib's CascadeSVM).
#pragma once

#include <compss/dislib/array.hpp>
#include <compss/dislib/score.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dislib {

/// How fit decides that the cascade has converged (only with check_convergence).
enum class ConvergenceCheck {
  /// A task compares each iteration's dual objective with the previous one and throws
  /// compss::Exception when they agree within tol. fit submits every iteration at once
  /// inside a task group of this fit alone and returns without waiting; the exception
  /// cancels that group's iterations not needed any more, and the model is resolved (the
  /// group waited for) when it is first used (predict, score, n_iter, save...).
  exception,
  /// The master waits for each iteration's objective and stops submitting when converged.
  synchronize,
};

/// dislib's CascadeSVM parameters (scikit-learn's SVC names for the solver), in its order,
/// and the C++ choice of how convergence is checked.
struct CascadeSVMParams {
  std::size_t cascade_arity = 2;  ///< SVMs merged per node of the cascade (2..8)
  std::size_t max_iter = 5;       ///< cascade iterations at most
  double tol = 1e-3;              ///< relative change of the dual objective that is convergence
  std::string kernel = "rbf";     ///< "rbf" or "linear"
  double C = 1.0;                 ///< scikit-learn's C (its spelling: upper case)
  std::optional<double> gamma;    ///< rbf's gamma; unset: "auto", 1 / n_features
  bool check_convergence = true;  ///< false: always max_iter iterations
  ConvergenceCheck convergence = ConvergenceCheck::exception;
};

/// Binary support vector classification by a cascade. Each iteration trains one SVM per
/// row block (its rows plus the previous iteration's support vectors) as a task, then
/// merges the support vectors cascade_arity at a time, each merge a task that trains an
/// SVM on them, up to one root SVM: the iteration's model. Every SVM is solved by LIBSVM
/// (Debian's libsvm-dev; the solver of scikit-learn's SVC) with C, kernel, gamma and
/// tolerance 1e-3. Labels are any two values (y: n x 1).
///
///   dislib::CascadeSVM svm({.cascade_arity = 2, .max_iter = 5, .C = 10, .gamma = 0.5});
///   svm.fit(x, y);
///   double accuracy = svm.score(x_test, y_test);
///   std::size_t iterations = svm.n_iter();
class CascadeSVM {
 public:
  explicit CascadeSVM(CascadeSVMParams params = {});
  CascadeSVM& fit(const Array& x, const Array& y);
  /// The predicted label of each row (n x 1): one task per row block.
  Array predict(const Array& x) const;
  /// The signed distance of each row to the separating surface (positive: classes()[1]).
  Array decision_function(const Array& x) const;
  /// The fraction of rows whose predicted label equals y's (waits for it).
  double score(const Array& x, const Array& y) const;
  /// score's tasks submitted, the result not waited for (GridSearchCV scores every
  /// candidate this way before waiting).
  PendingScore score_async(const Array& x, const Array& y) const;

  /// The support vectors (one per row), their dual coefficients (y_i alpha_i, y = +1 for
  /// classes()[1]), the intercept (scikit-learn's intercept_), the two labels ascending,
  /// and the iterations run.
  Matrix support_vectors() const;
  std::vector<double> dual_coef() const;
  double intercept() const;
  const std::vector<double>& classes() const;
  std::size_t n_iter() const;
  const CascadeSVMParams& params() const { return params_; }

  void save(const std::string& path) const;
  static CascadeSVM load(const std::string& path);

 private:
  /// One csvm_decision task per row block: decision values, or labels.
  Array decide(const Array& x, bool as_labels) const;
  double gamma_for(std::size_t n_features) const;

  /// What fit made, shared by copies of the model (fit waits for nothing but the
  /// synchronize check: a fit stopped by an exception is resolved, once, when the model is
  /// first used). Master thread only.
  struct FitState;
  /// The fit's state with its model known (waits for an exception fit's group).
  FitState& fitted(const char* what) const;

  CascadeSVMParams params_;
  std::shared_ptr<FitState> state_;  ///< null until fitted
};

}  // namespace dislib
