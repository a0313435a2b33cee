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
#include <utility>

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
  detail::require(params_.C > 0, kName, "C must be positive");
  detail::require(!params_.gamma || *params_.gamma > 0, kName, "gamma must be positive");
  kernel_code(params_.kernel);
}

double CascadeSVM::gamma_for(std::size_t n_features) const {
  return params_.gamma ? *params_.gamma : 1.0 / static_cast<double>(n_features);
}

struct CascadeSVM::FitState {
  BlockFuture model;                        ///< the chosen iteration's root SVM
  compss::Future<std::vector<double>> classes;  ///< {negative, positive}
  double gamma = 0;                         ///< the gamma used (auto resolved)
  std::size_t n_features = 0;
  std::size_t n_iter = 0;
  /// An exception fit not yet waited for: its group and every iteration's root.
  std::string group;
  std::vector<BlockFuture> roots;
};

CascadeSVM& CascadeSVM::fit(const Array& x_in, const Array& y_in) {
  const std::size_t n = x_in.rows(), d = x_in.cols();
  detail::require(n >= 2 && d >= 1, kName, "fit needs at least two samples and one feature");
  detail::require(y_in.rows() == n && y_in.cols() == 1, kName,
                  "y must be a column of " + std::to_string(n) + " labels, not " +
                      std::to_string(y_in.rows()) + "x" + std::to_string(y_in.cols()));
  const Array x = detail::whole_rows(x_in);
  const Array y = detail::align_rows(y_in, x.grid());
  auto state = std::make_shared<FitState>();
  state->classes = detail::csvm_labels(y.min(0).grid().block(0, 0), y.max(0).grid().block(0, 0));
  state->gamma = gamma_for(d);
  state->n_features = d;
  const int kernel = kernel_code(params_.kernel);
  const double c = params_.C, gamma = state->gamma;

  const detail::BlockGrid& g = x.grid();
  std::vector<BlockFuture> partitions;
  for (std::size_t i = 0; i < g.n_block_rows(); ++i)
    partitions.push_back(detail::csvm_samples(g.block(i, 0), y.grid().block(i, 0),
                                              g.row_starts[i], state->classes));
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
  state->n_iter = max_iter;
  if (!params_.check_convergence) {
    for (std::size_t it = 1; it <= max_iter; ++it)
      roots.push_back(iteration(roots.empty() ? none : roots.back()));
  } else if (params_.convergence == ConvergenceCheck::synchronize) {
    for (std::size_t it = 1; it <= max_iter; ++it) {
      roots.push_back(iteration(roots.empty() ? none : roots.back()));
      check = detail::csvm_check(check, roots.back(), params_.tol, it, false);
      if (detail::at(check.get(), 0, 1) != 0) {  // waits for this iteration
        state->n_iter = it;
        break;
      }
    }
  } else {
    // Every iteration is submitted at once, each followed by its check (checks chained,
    // so the first converged iteration is the one that throws), in a group of this fit
    // alone without a barrier at its end: the exception cancels this group's tasks of
    // later iterations (not other fits'), and fitted() waits for it when the model is
    // first needed, so that GridSearchCV can submit every candidate's fit before waiting.
    state->group = fresh_group_name();
    try {
      compss::TaskGroup group(state->group, /*implicit_barrier=*/false);
      for (std::size_t it = 1; it <= max_iter; ++it) {
        roots.push_back(iteration(roots.empty() ? none : roots.back()));
        check = detail::csvm_check(check, roots.back(), params_.tol, it, true);
      }
    } catch (const compss::Exception& e) {  // the sequential build runs the check at once
      state->n_iter = converged_iteration(e);
      state->group.clear();
    }
    if (!state->group.empty()) {
      state->roots = roots;
      state_ = std::move(state);
      return *this;
    }
  }
  state->model = roots.at(state->n_iter - 1);
  state_ = std::move(state);
  return *this;
}

CascadeSVM::FitState& CascadeSVM::fitted(const char* what) const {
  detail::require(state_ != nullptr, kName,
                  std::string(what) + " needs a fitted model: call fit first");
  FitState& s = *state_;
  if (!s.group.empty()) {
    const std::string group = std::exchange(s.group, std::string());
    try {
      compss::barrier_group(group);
    } catch (const compss::Exception& e) {
      s.n_iter = converged_iteration(e);
    }
    s.model = s.roots.at(s.n_iter - 1);
    s.roots.clear();
  }
  return s;
}

Array CascadeSVM::decide(const Array& x_in, bool as_labels) const {
  const FitState& s = fitted(as_labels ? "predict" : "decision_function");
  detail::require(x_in.cols() == s.n_features, kName,
                  "X has " + std::to_string(x_in.cols()) + " features, the model " +
                      std::to_string(s.n_features));
  const Array x = detail::whole_rows(x_in);
  std::vector<BlockFuture> out;
  for (std::size_t i = 0; i < x.grid().n_block_rows(); ++i)
    out.push_back(detail::csvm_decision(x.grid().block(i, 0), s.model,
                                        kernel_code(params_.kernel), s.gamma, as_labels,
                                        s.classes));
  return detail::column_of(x.grid(), std::move(out));
}

Array CascadeSVM::decision_function(const Array& x) const { return decide(x, false); }

Array CascadeSVM::predict(const Array& x) const { return decide(x, true); }

double CascadeSVM::score(const Array& x, const Array& y) const {
  return score_async(x, y).get();
}

PendingScore CascadeSVM::score_async(const Array& x, const Array& y) const {
  return detail::accuracy(predict(x), y, kName);
}

Matrix CascadeSVM::support_vectors() const {
  const Block& model = fitted("support_vectors").model.get();
  Matrix sv;
  for (std::size_t r = detail::kSampleHeaderRows; r < detail::block_rows(model); ++r) {
    const double* row = &detail::at(model, r, detail::kSampleLeadCols);
    sv.emplace_back(row, row + detail::block_cols(model) - detail::kSampleLeadCols);
  }
  return sv;
}

std::vector<double> CascadeSVM::dual_coef() const {
  const Block& model = fitted("dual_coef").model.get();
  std::vector<double> coef;
  for (std::size_t r = detail::kSampleHeaderRows; r < detail::block_rows(model); ++r)
    coef.push_back(detail::at(model, r, 2));
  return coef;
}

double CascadeSVM::intercept() const {
  return -detail::at(fitted("intercept").model.get(), 0, 1);
}

const std::vector<double>& CascadeSVM::classes() const {
  return fitted("classes").classes.get();
}

std::size_t CascadeSVM::n_iter() const { return fitted("n_iter").n_iter; }

void CascadeSVM::save(const std::string& path) const {
  const FitState& s = fitted("save");
  detail::Json params = {{"cascade_arity", params_.cascade_arity},
                         {"max_iter", params_.max_iter},
                         {"tol", params_.tol},
                         {"kernel", params_.kernel},
                         {"C", params_.C},
                         {"gamma", s.gamma},
                         {"check_convergence", params_.check_convergence},
                         {"convergence", params_.convergence == ConvergenceCheck::exception
                                             ? "exception"
                                             : "synchronize"}};
  detail::write_model(path, kName, std::move(params),
                      {{"model", s.model.get()}, {"classes", s.classes.get()}, {"n_iter", s.n_iter}});
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
    params.C = p.at("C").get<double>();
    params.gamma = p.at("gamma").get<double>();
    params.check_convergence = p.at("check_convergence").get<bool>();
    params.convergence = p.at("convergence").get<std::string>() == "exception"
                             ? ConvergenceCheck::exception
                             : ConvergenceCheck::synchronize;
  } catch (const detail::Json::exception& e) {
    throw compss::Error("dislib: " + path + ": bad CascadeSVM params: " + e.what());
  }
  CascadeSVM svm(params);
  const Block model = detail::vector_field(doc, path, "model");
  const std::vector<double> classes = detail::vector_field(doc, path, "classes");
  detail::require(classes.size() == 2 && model.size() >= detail::kBlockHeader &&
                      model.size() == detail::kBlockHeader + detail::block_rows(model) *
                                                                 detail::block_cols(model) &&
                      detail::block_cols(model) > detail::kSampleLeadCols,
                  kName, path + ": the saved model is malformed");
  auto state = std::make_shared<FitState>();
  state->gamma = *params.gamma;
  state->model = BlockFuture(model);
  state->classes = BlockFuture(classes);
  state->n_features = detail::block_cols(model) - detail::kSampleLeadCols;
  state->n_iter = static_cast<std::size_t>(detail::number_field(doc, path, "n_iter"));
  svm.state_ = std::move(state);
  return svm;
}

}  // namespace dislib
