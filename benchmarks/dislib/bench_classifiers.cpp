// bench_classifiers: times dislib's classifiers on given files, for run_classifiers.py.
//
//   bench_classifiers <x_train.csv> <y_train.csv> <x_test.csv> <y_test.csv> <block_rows>
//                     <c> <gamma> <n_estimators>
// stdout, one line each:
//   csvm <variant> <fit seconds> <n_iter> <test accuracy>            (3 variants)
// A fit that waits for nothing (CascadeSVM without the synchronize check, the forest)
// returns at once: its time is counted until its model is ready.
//   gridsearch <variant> <seconds> <best c> <best gamma> <best score>  (3 variants)
//   forest <fit seconds> <test accuracy>
#include <compss/compss.hpp>
#include <compss/dislib.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Variant {
  const char* name;
  bool check;
  dislib::ConvergenceCheck how;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: see the comment at the top of bench_classifiers.cpp\n");
    return 2;
  }
  try {
    const std::size_t rows = std::strtoul(argv[5], nullptr, 10);
    const dislib::Array x = dislib::load_txt_file(argv[1], {rows, 1000000});
    const dislib::Array y = dislib::load_txt_file(argv[2], {rows, 1});
    const dislib::Array xt = dislib::load_txt_file(argv[3], {rows, 1000000});
    const dislib::Array yt = dislib::load_txt_file(argv[4], {rows, 1});
    const double c = std::strtod(argv[6], nullptr), gamma = std::strtod(argv[7], nullptr);
    const Variant variants[] = {{"synchronize", true, dislib::ConvergenceCheck::synchronize},
                                {"fixed", false, dislib::ConvergenceCheck::synchronize},
                                {"exception", true, dislib::ConvergenceCheck::exception}};
    for (const Variant& v : variants) {
      dislib::CascadeSVM svm({.max_iter = 10, .C = c, .gamma = gamma,
                              .check_convergence = v.check, .convergence = v.how});
      const auto start = std::chrono::steady_clock::now();
      svm.fit(x, y);
      (void)svm.support_vectors();  // waits for the model
      const double t = seconds_since(start);
      std::printf("csvm %s %.3f %zu %.6f\n", v.name, t, svm.n_iter(), svm.score(xt, yt));
    }
    for (const Variant& v : variants) {
      std::vector<dislib::CascadeSVMParams> grid;
      for (double gc : {c / 10, c})
        for (double gg : {gamma, gamma * 10})
          grid.push_back({.max_iter = 10, .C = gc, .gamma = gg, .check_convergence = v.check,
                          .convergence = v.how});
      dislib::GridSearchCV<dislib::CascadeSVM, dislib::CascadeSVMParams> search(
          grid, dislib::KFold({.n_splits = 3}));
      const auto start = std::chrono::steady_clock::now();
      search.fit(x, y);
      std::printf("gridsearch %s %.3f %g %g %.6f\n", v.name, seconds_since(start),
                  search.best_params().C, *search.best_params().gamma, search.best_score());
    }
    dislib::RandomForestClassifier rf(
        {.n_estimators = std::strtoul(argv[8], nullptr, 10), .random_state = 0});
    const auto start = std::chrono::steady_clock::now();
    rf.fit(x, y);
    compss::barrier();  // the forest's tasks (nothing else runs now)
    const double t = seconds_since(start);
    std::printf("forest %.3f %.6f\n", t, rf.score(xt, yt));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_classifiers: %s\n", e.what());
    return 1;
  }
  return 0;
}
