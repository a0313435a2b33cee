// gridsearch: CascadeSVM under GridSearchCV, in the three ways of the PyCOMPSs paper's
// evaluation of task groups and exceptions:
//   synchronize  the master waits for each iteration's convergence check;
//   fixed        no check: every fit runs max_iter iterations;
//   exception    each iteration's check is a task that throws compss::Exception when the
//                fit has converged; fit submits all iterations in a task group at once, and
//                the exception cancels that fit's remaining iterations.
//
// usage: gridsearch [n_samples] [block_rows]     (defaults 1200 and 200)
// stdout: per variant the mean test scores, the chosen parameters and score (identical in
// the sequential and parallel builds, and for the two convergence checks); stderr: times.
#include <compss/compss.hpp>
#include <compss/dislib.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

namespace {

// Label 1 inside a circle of the first two features, 0 outside: a problem that needs the
// rbf kernel. Registered in every process (workers never run main).
const bool circle_registered = dislib::register_function(
    "circle", [](const double* v, std::size_t) {
      const double dx = v[0] - 0.5, dy = v[1] - 0.5;
      return std::vector<double>{dx * dx + dy * dy < 0.12 ? 1.0 : 0.0};
    });

struct Variant {
  const char* name;
  bool check_convergence;
  dislib::ConvergenceCheck how;
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1200;
  const std::size_t block_rows = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200;
  if (n < 10 || block_rows == 0) {
    std::fprintf(stderr, "usage: %s [n_samples >= 10] [block_rows]\n", argv[0]);
    return 2;
  }
  try {
    const dislib::Array x = dislib::random_array({n, 4}, {block_rows, 4}, 5);
    const dislib::Array y = dislib::apply_along_axis("circle", 1, x);
    std::printf("gridsearch: CascadeSVM on %zu samples x 4 features, blocks of %zu rows\n", n,
                block_rows);
    for (const Variant v : {Variant{"synchronize", true, dislib::ConvergenceCheck::synchronize},
                            Variant{"fixed", false, dislib::ConvergenceCheck::synchronize},
                            Variant{"exception", true, dislib::ConvergenceCheck::exception}}) {
      std::vector<dislib::CascadeSVMParams> grid;
      for (double c : {1.0, 10.0})
        for (double gamma : {1.0, 10.0})
          grid.push_back({.cascade_arity = 2, .max_iter = 6, .tol = 1e-3, .kernel = "rbf",
                          .C = c, .gamma = gamma, .check_convergence = v.check_convergence,
                          .convergence = v.how});
      dislib::GridSearchCV<dislib::CascadeSVM, dislib::CascadeSVMParams> search(
          grid, dislib::KFold({.n_splits = 3}));
      const auto start = std::chrono::steady_clock::now();
      search.fit(x, y);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("%s: mean test scores", v.name);
      for (double s : search.mean_test_score()) std::printf(" %.6f", s);
      const dislib::CascadeSVMParams& best = search.best_params();
      std::printf("\n%s: best c = %g, gamma = %g, score %.6f, refit iterations %zu\n", v.name,
                  best.C, *best.gamma, search.best_score(), search.best_estimator().n_iter());
      std::fprintf(stderr, "%s: %.3f s\n", v.name, seconds);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gridsearch: %s\n", e.what());
    return 1;
  }
  return 0;
}
