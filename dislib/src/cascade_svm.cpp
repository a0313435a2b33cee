// dislib::CascadeSVM: the cascade of SVM tasks, its three ways of stopping, and the
// fitted model (the last iteration's root SVM, a sample set as csvm_tasks.hpp lays out).
#include <compss/dislib/svm.hpp>

#include "csvm_tasks.hpp"
#include "estimator_util.hpp"
#include "model_io.hpp"
#include "reduction.hpp"
#include "svm_kernel.hpp"

#include <compss/compss.hpp>

#include <atomic>
#include <cstdio>
#include <string>

namespace dislib {

using detail::Block;
using BlockFuture = compss::Future<Block>;

namespace {

constexpr const char* kName = "CascadeSVM";

int kernel_code(const std::string& kernel) {
  if (kernel == "rbf") return detail::kernel_rbf;
  if (kernel == "linear") return detail::kernel_linear;
  throw compss::Error("dislib: CascadeSVM: kernel must be \"rbf\" or \"linear\", not \"" +
                      kernel + "\"");
}

/// A group name no other fit in this process has open.
std::string fresh_group_name() {
  static std::atomic<unsigned long> fits{0};
  return "dislib.CascadeSVM.fit." + std::to_string(fits++);
}

/// The iteration named by csvm_check's message ("... converged at iteration <n>").
std::size_t converged_iteration(const compss::Exception& e) {
  const std::string what = e.what();
  const std::string marker = "converged at iteration ";
  const std::size_t at = what.rfind(marker);
  if (at == std::string::npos) throw e;  // not ours: let it through
  return std::stoul(what.substr(at + marker.size()));
}

}  // namespace

CascadeSVM::CascadeSVM(CascadeSVMParams params) : params_(std::move(params)) {
  detail::require(params_.cascade_arity >= 2 && params_.cascade_arity <= detail::kMaxArity,
                  kName, "cascade_arity must be between 2 and 8, not " +
                             std::to_string(params_.cascade_arity));
  detail::require(params_.max_iter >= 1, kName, "max_iter must be at least 1");
  detail::require(params_.tol >= 0, kName, "tol must not be negative");
  detail::require(params_.c > 0, kName, "c must be positive");
  detail::require(!params_.gamma || *params_.gamma > 0, kName, "gamma must be positive");
  kernel_code(params_.kernel);
}

double CascadeSVM::gamma_for(std::size_t n_features) const {
  return params_.gamma ? *params_.gamma : 1.0 / static_cast<double>(n_features);
}

CascadeSVM& CascadeSVM::fit(const Array& x_in, const Array& y_in) {
  const std::size_t n = x_in.rows(), d = x_in.cols();
  detail::require(n >= 2 && d >= 1, kName, "fit needs at least two samples and one feature");
  detail::require(y_in.rows() == n && y_in.cols() == 1, kName,
                  "y must be a column of " + std::to_string(n) + " labels, not " +
                      std::to_string(y_in.rows()) + "x" + std::to_string(y_in.cols()));
  const Array x = detail::whole_rows(x_in);
  const Array y = detail::align_rows(y_in, x.grid());
  const double negative = detail::collect_row(y.min(0)).at(0);
  const double positive = detail::collect_row(y.max(0)).at(0);
  detail::require(negative < positive, kName, "y holds one class: fit needs two");
  classes_ = {negative, positive};
  gamma_ = gamma_for(d);
  const int kernel = kernel_code(params_.kernel);
  const double c = params_.c, gamma = gamma_;

  const detail::BlockGrid& g = x.grid();
  std::vector<BlockFuture> partitions;
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    partitions.push_back(detail::csvm_samples(g.block(i, 0), y.grid().block(i, 0),
                                              g.row_starts[i], negative, positive));
  const BlockFuture none(detail::empty_block());
  // One iteration: an SVM per partition (its rows and the last iteration's support
  // vectors), merged cascade_arity at a time up to the root.
  auto iteration = [&](const BlockFuture& feedback) {
    std::vector<BlockFuture> layer;
    for (const BlockFuture& p : partitions)
      layer.push_back(
          detail::csvm_train(p, feedback, none, none, none, none, none, none, kernel, c, gamma));
    return detail::reduce_tree_with(
        std::move(layer), params_.cascade_arity, [&](const BlockFuture* const* in) {
          return detail::csvm_train(*in[0], *in[1], *in[2], *in[3], *in[4], *in[5], *in[6],
                                    *in[7], kernel, c, gamma);
        });
  };

  std::vector<BlockFuture> roots;
  BlockFuture check = none;
  const std::size_t max_iter = params_.max_iter;
  n_iter_ = max_iter;
  if (!params_.check_convergence) {
    for (std::size_t it = 1; it <= max_iter; ++it)
      roots.push_back(iteration(roots.empty() ? none : roots.back()));
  } else if (params_.convergence == ConvergenceCheck::synchronize) {
    for (std::size_t it = 1; it <= max_iter; ++it) {
      roots.push_back(iteration(roots.empty() ? none : roots.back()));
      check = detail::csvm_check(check, roots.back(), params_.tol, it, false);
      if (detail::at(check.get(), 0, 1) != 0) {  // waits for this iteration
        n_iter_ = it;
        break;
      }
    }
  } else {
    // Every iteration is submitted at once, each followed by its check (checks chained,
    // so the first converged iteration is the one that throws). The exception cancels
    // the group's tasks of later iterations and arrives here when the group ends.
    try {
      compss::TaskGroup group(fresh_group_name());
      for (std::size_t it = 1; it <= max_iter; ++it) {
        roots.push_back(iteration(roots.empty() ? none : roots.back()));
        check = detail::csvm_check(check, roots.back(), params_.tol, it, true);
      }
    } catch (const compss::Exception& e) {
      n_iter_ = converged_iteration(e);
    }
  }
  model_ = roots.at(n_iter_ - 1).get();
  return *this;
}

Array CascadeSVM::decide(const Array& x_in, bool as_labels) const {
  const std::size_t d = detail::block_cols(model_) - detail::kSampleLeadCols;
  detail::require(x_in.cols() == d, kName,
                  "X has " + std::to_string(x_in.cols()) + " features, the model " +
                      std::to_string(d));
  const Array x = detail::whole_rows(x_in);
  const BlockFuture model(model_);
  std::vector<BlockFuture> out;
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    out.push_back(detail::csvm_decision(x.grid().block(i, 0), model,
                                        kernel_code(params_.kernel), gamma_, as_labels,
                                        classes_[0], classes_[1]));
  return detail::column_of(x.grid(), std::move(out));
}

Array CascadeSVM::decision_function(const Array& x) const {
  require_fitted("decision_function");
  return decide(x, false);
}

Array CascadeSVM::predict(const Array& x) const {
  require_fitted("predict");
  return decide(x, true);
}

double CascadeSVM::score(const Array& x, const Array& y) const {
  return detail::accuracy(predict(x), y, kName);
}

void CascadeSVM::require_fitted(const char* what) const {
  detail::require(!model_.empty(), kName, std::string(what) + " needs a fitted model: call fit first");
}

Matrix CascadeSVM::support_vectors() const {
  require_fitted("support_vectors");
  Matrix sv;
  for (std::size_t r = detail::kSampleHeaderRows; r < detail::block_rows(model_); ++r) {
    const double* row = &detail::at(model_, r, detail::kSampleLeadCols);
    sv.emplace_back(row, row + detail::block_cols(model_) - detail::kSampleLeadCols);
  }
  return sv;
}

std::vector<double> CascadeSVM::dual_coef() const {
  require_fitted("dual_coef");
  std::vector<double> coef;
  for (std::size_t r = detail::kSampleHeaderRows; r < detail::block_rows(model_); ++r)
    coef.push_back(detail::at(model_, r, 2));
  return coef;
}

double CascadeSVM::intercept() const {
  require_fitted("intercept");
  return -detail::at(model_, 0, 1);
}

const std::vector<double>& CascadeSVM::classes() const {
  require_fitted("classes");
  return classes_;
}

std::size_t CascadeSVM::n_iter() const {
  require_fitted("n_iter");
  return n_iter_;
}

void CascadeSVM::save(const std::string& path) const {
  require_fitted("save");
  detail::Json params = {{"cascade_arity", params_.cascade_arity},
                         {"max_iter", params_.max_iter},
                         {"tol", params_.tol},
                         {"kernel", params_.kernel},
                         {"c", params_.c},
                         {"gamma", gamma_},
                         {"check_convergence", params_.check_convergence},
                         {"convergence", params_.convergence == ConvergenceCheck::exception
                                             ? "exception"
                                             : "synchronize"}};
  detail::write_model(path, kName, std::move(params),
                      {{"model", model_}, {"classes", classes_}, {"n_iter", n_iter_}});
}

CascadeSVM CascadeSVM::load(const std::string& path) {
  const detail::Json doc = detail::read_model(path, kName);
  const detail::Json& p = doc["params"];
  CascadeSVMParams params;
  try {
    params.cascade_arity = p.at("cascade_arity").get<std::size_t>();
    params.max_iter = p.at("max_iter").get<std::size_t>();
    params.tol = p.at("tol").get<double>();
    params.kernel = p.at("kernel").get<std::string>();
    params.c = p.at("c").get<double>();
    params.gamma = p.at("gamma").get<double>();
    params.check_convergence = p.at("check_convergence").get<bool>();
    params.convergence = p.at("convergence").get<std::string>() == "exception"
                             ? ConvergenceCheck::exception
                             : ConvergenceCheck::synchronize;
  } catch (const detail::Json::exception& e) {
    throw compss::Error("dislib: " + path + ": bad CascadeSVM params: " + e.what());
  }
  CascadeSVM svm(params);
  svm.gamma_ = *params.gamma;
  svm.model_ = detail::vector_field(doc, path, "model");
  svm.classes_ = detail::vector_field(doc, path, "classes");
  svm.n_iter_ = static_cast<std::size_t>(detail::number_field(doc, path, "n_iter"));
  detail::require(svm.classes_.size() == 2 && svm.model_.size() >= detail::kBlockHeader &&
                      svm.model_.size() == detail::kBlockHeader +
                                               detail::block_rows(svm.model_) *
                                                   detail::block_cols(svm.model_),
                  kName, path + ": the saved model is malformed");
  return svm;
}

}  // namespace dislib
