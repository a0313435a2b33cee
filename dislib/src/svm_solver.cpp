// LIBSVM behind solve_svm: dense rows become LIBSVM's sparse nodes (zeros left out, as
// LIBSVM's own format does; the kernels are unchanged by that).
#include "svm_solver.hpp"

#include <compss/error.hpp>

#include <libsvm/svm.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

namespace dislib::detail {

namespace {

void print_nothing(const char*) {}

struct ModelDeleter {
  void operator()(svm_model* m) const { svm_free_and_destroy_model(&m); }
};

}  // namespace

SvmSolution solve_svm(RowsView x, const std::vector<double>& y, int kernel, double c,
                      double gamma) {
  // LIBSVM prints its progress to stdout through one global function pointer.
  static std::once_flag quiet;
  std::call_once(quiet, [] { svm_set_print_string_function(print_nothing); });

  std::vector<svm_node> nodes;
  std::vector<std::size_t> starts;
  nodes.reserve(x.rows * (x.cols + 1));
  for (std::size_t i = 0; i < x.rows; ++i) {
    starts.push_back(nodes.size());
    for (std::size_t j = 0; j < x.cols; ++j) {
      const double v = x.data[i * x.stride + j];
      if (v != 0.0) nodes.push_back({static_cast<int>(j + 1), v});
    }
    nodes.push_back({-1, 0.0});
  }
  std::vector<svm_node*> rows(x.rows);
  for (std::size_t i = 0; i < x.rows; ++i) rows[i] = nodes.data() + starts[i];
  std::vector<double> labels = y;
  svm_problem problem{static_cast<int>(x.rows), labels.data(), rows.data()};

  svm_parameter param{};
  param.svm_type = C_SVC;
  param.kernel_type = kernel == kernel_rbf ? RBF : LINEAR;
  param.degree = 3;
  param.gamma = gamma;
  param.coef0 = 0;
  param.cache_size = 100;  // MB, as scikit-learn's SVC default
  param.eps = 1e-3;
  param.C = c;
  param.nu = 0.5;
  param.p = 0.1;
  param.shrinking = 1;
  param.probability = 0;
  param.nr_weight = 0;
  if (const char* error = svm_check_parameter(&problem, &param))
    throw compss::Error(std::string("dislib: CascadeSVM: LIBSVM rejects the parameters: ") +
                        error);
  std::unique_ptr<svm_model, ModelDeleter> model(svm_train(&problem, &param));

  SvmSolution s;
  // LIBSVM's decision is positive for its first label (the first met in y): make it +1.
  const double sign = model->label[0] == 1 ? 1.0 : -1.0;
  s.rho = sign * model->rho[0];
  for (int i = 0; i < model->l; ++i) {
    s.support.push_back(static_cast<std::size_t>(model->sv_indices[i] - 1));
    s.coef.push_back(sign * model->sv_coef[0][i]);
  }
  // LIBSVM lists the support vectors class by class: order them by row.
  std::vector<std::size_t> order(s.support.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return s.support[a] < s.support[b]; });
  SvmSolution sorted{{}, {}, s.rho};
  for (std::size_t i : order) {
    sorted.support.push_back(s.support[i]);
    sorted.coef.push_back(s.coef[i]);
  }
  return sorted;
}

}  // namespace dislib::detail
