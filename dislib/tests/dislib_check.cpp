// dislib_check: runs dislib on files and writes what it computed, for the comparisons
// with numpy and scikit-learn in compare_sklearn.py (which generates the data, runs this
// program locally or under compss-run, runs scikit-learn on the same files and compares).
//
//   dislib_check array   <data.csv> <data.npy> <data.svm> <out-dir>
//   dislib_check kmeans  <data.csv> <init.csv|k-means++|random> <k> <max_iter> <tol> <arity> <block rows> <out-dir>
//   dislib_check scalers <data.csv> <out-dir>
//   dislib_check pca     <data.csv> <n_components> <out-dir>
//   dislib_check linreg  <x.csv> <y.csv> <out-dir>
//   dislib_check knn     <x_train.csv> <y_train.csv> <x_test.csv> <y_test.csv> <k> <out-dir>
//   dislib_check gridsearch <x.csv> <y.csv> <out-dir>
//   dislib_check gridsearch_save <x.csv> <y.csv> <out-dir>
//   dislib_check csvm    <x_train.csv> <y_train.csv> <x_test.csv> <y_test.csv> <kernel> <c> <gamma> <out-dir>
//   dislib_check forest  <x_train.csv> <y_train.csv> <x_test.csv> <y_test.csv> <n_estimators> <max_depth|0> <random_state> <max_features> <bootstrap 0|1> <distr_depth|auto> <out-dir>
//   dislib_check distr_depth <depth|auto> <n_samples> <max_depth|0>   (prints the levels)
//   dislib_check load    <file> <csv|npy|svmlight>        (prints the shape; for bad files)
// Every matrix is written as <out-dir>/<name>.csv with 17 significant digits.
#include <compss/compss.hpp>
#include <compss/dislib.hpp>

#include "../src/block_grid.hpp"  // only to check that slices share uncut blocks

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace {

std::string out_dir;

void write(const std::string& name, const dislib::Array& a) {
  dislib::save_txt(a, out_dir + "/" + name + ".csv");
}

void write_matrix(const std::string& name, const dislib::Matrix& m) {
  write(name, dislib::array(m, {std::max<std::size_t>(m.size(), 1), std::max<std::size_t>(m.empty() ? 1 : m[0].size(), 1)}));
}

void write_text(const std::string& name, const std::string& text) {
  std::FILE* f = std::fopen((out_dir + "/" + name).c_str(), "w");
  if (!f) throw compss::Error("cannot write " + name);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A function registered in every process (workers never run main).
const bool range_registered = dislib::register_function(
    "range", [](const double* v, std::size_t n) {
      double lo = v[0], hi = v[0];
      for (std::size_t i = 1; i < n; ++i) {
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
      }
      return std::vector<double>{lo, hi};
    });

int run_array(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {7, 3});
  out_dir = argv[3];
  write("x", x);
  write("x_npy", dislib::load_npy_file(argv[1], {5, 2}));
  auto [sx, sy] = dislib::load_svmlight_file(argv[2], {6, 4}, x.cols());
  write("x_svm", sx);
  write("y_svm", sy);
  write("sum0", x.sum(0));
  write("sum1", x.sum(1));
  write("mean0", x.mean(0));
  write("mean1", x.mean(1));
  write("min0", x.min(0));
  write("max1", x.max(1));
  write("norm0", x.norm(0));
  write("norm1", x.norm(1));
  write("transpose", x.transpose());
  write("xtx", dislib::matmul(x.transpose(), x));
  write("arith", (x + x * 2.0 - 1.0) / (x * x + 1.0));
  write("pow", x.pow(2.0));
  const dislib::Array s = x.slice(5, 23, 1, x.cols());
  write("slice", s);
  write("slice_rechunk", s.rechunk({4, 2}));
  write("rechunk", x.rechunk({10, 1}));
  write("apply_sort0", dislib::apply_along_axis("sort", 0, x));
  write("apply_range1", dislib::apply_along_axis("range", 1, x));
  write("zeros", dislib::zeros({3, 4}, {2, 3}));
  write("identity", dislib::identity(5, {2, 2}));
  write("random", dislib::random_array({9, 4}, {4, 3}, 42));
  // A slice along block bounds shares the blocks it does not cut (no task, same datum).
  const dislib::Array aligned = x.slice_rows(7, 21);
  const bool shared = &aligned.grid().blocks[0].get() == &x.grid().block(1, 0).get();
  const bool cut = &s.grid().blocks[0].get() != &x.grid().block(0, 0).get();
  write_text("slice_shares.txt", std::string(shared ? "shared" : "copied") + " " +
                                     std::to_string(aligned.n_blocks().rows) + " " +
                                     (cut ? "cut" : "not-cut") + "\n");
  return 0;
}

int run_kmeans(char** argv) {
  const std::size_t block_rows = std::strtoul(argv[6], nullptr, 10);
  const dislib::Array x = dislib::load_txt_file(argv[0], {block_rows, 2});
  out_dir = argv[7];
  const std::string init = argv[1];
  dislib::KMeansParams p{.n_clusters = std::strtoul(argv[2], nullptr, 10),
                         .max_iter = std::strtoul(argv[3], nullptr, 10),
                         .tol = std::strtod(argv[4], nullptr),
                         .random_state = 0,
                         .arity = std::strtoul(argv[5], nullptr, 10)};
  if (init == "k-means++" || init == "random")
    p.init = init;
  else
    p.init = dislib::load_txt_file(init, {1000, 1000}).collect();
  dislib::KMeans km(p);
  const dislib::Array labels = km.fit_predict(x);
  write_matrix("centers", km.cluster_centers());
  write("labels", labels);
  write_text("stats.txt", number(km.inertia()) + " " + std::to_string(km.n_iter()) + "\n");
  km.save(out_dir + "/model.json");
  const dislib::KMeans loaded = dislib::KMeans::load(out_dir + "/model.json");
  write("labels_loaded", loaded.predict(x));
  // score on other rows than the fit's: the first third of x (cuts a block when uneven).
  const dislib::Array part = x.slice_rows(0, x.rows() / 3);
  write("transform", km.transform(part));
  write_text("score.txt", number(km.score(part)) + " " + number(loaded.score(part)) + "\n");
  write_matrix("centers_loaded", loaded.cluster_centers());
  return 0;
}

void write_row(const std::string& name, const std::vector<double>& v) {
  write_matrix(name, dislib::Matrix{v});
}

int run_scalers(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {37, 3});
  out_dir = argv[1];
  dislib::StandardScaler sc;
  write("std", sc.fit_transform(x));
  write_matrix("std_stats", {sc.mean(), sc.var(), sc.scale()});
  write("std_inverse", sc.inverse_transform(sc.transform(x)));
  sc.save(out_dir + "/std.json");
  write("std_loaded", dislib::StandardScaler::load(out_dir + "/std.json").transform(x));
  dislib::MinMaxScaler mm({.feature_range = {-1.0, 2.0}});
  write("minmax", mm.fit_transform(x));
  write_matrix("minmax_stats", {mm.data_min(), mm.data_max(), mm.data_range(), mm.scale(), mm.min()});
  write("minmax_inverse", mm.inverse_transform(mm.transform(x)));
  mm.save(out_dir + "/minmax.json");
  write("minmax_loaded", dislib::MinMaxScaler::load(out_dir + "/minmax.json").transform(x));
  return 0;
}

int run_pca(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {211, 2});
  out_dir = argv[2];
  dislib::PCA pca({.n_components = std::strtoul(argv[1], nullptr, 10)});
  const dislib::Array z = pca.fit_transform(x);
  write("transformed", z);
  write("inverse", pca.inverse_transform(z));
  write_matrix("components", pca.components());
  write_matrix("variance", {pca.explained_variance(), pca.explained_variance_ratio(),
                            pca.singular_values()});
  write_row("mean", pca.mean());
  pca.save(out_dir + "/pca.json");
  write("transformed_loaded", dislib::PCA::load(out_dir + "/pca.json").transform(x));
  return 0;
}

int run_linreg(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {150, 3});
  const dislib::Array y = dislib::load_txt_file(argv[1], {100, 1});
  out_dir = argv[2];
  dislib::LinearRegression lr;
  lr.fit(x, y);
  write_matrix("coef", lr.coef());
  write_row("intercept", lr.intercept());
  write("predicted", lr.predict(x));
  write_text("score.txt", number(lr.score(x, y)) + "\n");
  lr.save(out_dir + "/linreg.json");
  write("predicted_loaded", dislib::LinearRegression::load(out_dir + "/linreg.json").predict(x));
  return 0;
}

int run_knn(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {300, 2});
  const dislib::Array y = dislib::load_txt_file(argv[1], {170, 1});
  const dislib::Array xt = dislib::load_txt_file(argv[2], {90, 4});
  const dislib::Array yt = dislib::load_txt_file(argv[3], {90, 1});
  out_dir = argv[5];
  dislib::KNeighborsClassifier knn({.n_neighbors = std::strtoul(argv[4], nullptr, 10)});
  knn.fit(x, y);
  write("predicted", knn.predict(xt));
  write_text("score.txt", number(knn.score(xt, yt)) + "\n");
  const dislib::Neighbors nb = knn.kneighbors(xt);
  write("kneighbors_distances", nb.distances);
  write("kneighbors_indices", nb.indices);
  const dislib::Neighbors wider = knn.kneighbors(xt, knn.params().n_neighbors + 2);
  write("kneighbors_wider_indices", wider.indices);
  write("predict_proba", knn.predict_proba(xt));
  write_row("classes", knn.classes());
  knn.save(out_dir + "/knn.json");
  const dislib::KNeighborsClassifier loaded = dislib::KNeighborsClassifier::load(out_dir + "/knn.json");
  write("loaded_predicted", loaded.predict(xt));
  write("loaded_predict_proba", loaded.predict_proba(xt));
  return 0;
}

using KnnSearch = dislib::GridSearchCV<dislib::KNeighborsClassifier, dislib::KNeighborsClassifierParams>;
const std::vector<dislib::KNeighborsClassifierParams> knn_grid{
    {.n_neighbors = 1}, {.n_neighbors = 3}, {.n_neighbors = 5}, {.n_neighbors = 9}};

// A fitted search's cv_results, best index, parameters and score, and the refitted
// estimator's score on (x, y), as <prefix>*.csv and <prefix>best.txt.
void write_search(const std::string& prefix, const KnnSearch& s, const dislib::Array& x,
                  const dislib::Array& y) {
  write_row(prefix + "mean_test_score", s.mean_test_score());
  write_matrix(prefix + "split_test_score", s.cv_results().split_test_score);
  write_row(prefix + "std_test_score", s.cv_results().std_test_score);
  const std::vector<std::size_t>& rank = s.cv_results().rank_test_score;
  write_row(prefix + "rank_test_score", std::vector<double>(rank.begin(), rank.end()));
  write_text(prefix + "best.txt", std::to_string(s.best_index()) + " " +
                                      std::to_string(s.best_params().n_neighbors) + " " +
                                      number(s.best_score()) + " " +
                                      number(s.best_estimator().score(x, y)) + "\n");
}

// What both gridsearch commands start from: <x.csv> <y.csv> <out-dir> read, the search
// over knn_grid with KFold(3) fitted.
struct KnnSearchRun {
  dislib::Array x, y;
  KnnSearch search;
};

KnnSearchRun fit_knn_search(char** argv) {
  out_dir = argv[2];
  KnnSearchRun run{dislib::load_txt_file(argv[0], {250, 3}), dislib::load_txt_file(argv[1], {250, 1}),
                   KnnSearch(knn_grid, dislib::KFold({.n_splits = 3}))};
  run.search.fit(run.x, run.y);
  return run;
}

int run_gridsearch(char** argv) {
  KnnSearchRun run = fit_knn_search(argv);
  const dislib::Array &x = run.x, &y = run.y;
  const std::vector<dislib::KNeighborsClassifierParams>& grid = knn_grid;
  KnnSearch& search = run.search;
  write_search("", search, x, y);

  // Shuffled folds: scikit-learn's KFold(3, shuffle=True, random_state=7).
  const dislib::KFold shuffled({.n_splits = 3, .shuffle = true, .random_state = 7});
  std::size_t fold = 0;
  for (const std::vector<std::size_t>& test : shuffled.test_indices(x.rows()))
    write_row("kfold_test_" + std::to_string(fold++), std::vector<double>(test.begin(), test.end()));
  KnnSearch shuffled_search(grid, shuffled);
  shuffled_search.fit(x, y);
  write_row("shuffled_mean_test_score", shuffled_search.mean_test_score());
  fold = 0;
  for (const dislib::Fold& f : shuffled.split(x, y)) {  // the folds' rows themselves
    write("shuffled_x_test_" + std::to_string(fold), f.x_test);
    write("shuffled_y_train_" + std::to_string(fold++), f.y_train);
  }

  // CascadeSVM stopped by its convergence exception: every candidate's fits submitted at
  // once (the trace shows the order), each fit's exception cancelling only its own group;
  // the scores equal those of the same fits made one at a time.
  std::vector<dislib::CascadeSVMParams> svm_grid;
  for (double c : {0.5, 2.0})
    svm_grid.push_back({.cascade_arity = 2, .max_iter = 6, .tol = 1e-3, .kernel = "rbf", .C = c,
                        .gamma = 0.3});
  dislib::GridSearchCV<dislib::CascadeSVM, dislib::CascadeSVMParams> svm_search(
      svm_grid, dislib::KFold({.n_splits = 3}));
  svm_search.fit(x, y);
  write_row("csvm_mean_test_score", svm_search.mean_test_score());
  std::vector<double> one_by_one;
  for (const dislib::CascadeSVMParams& p : svm_grid) {
    double total = 0;
    for (const dislib::Fold& f : dislib::KFold({.n_splits = 3}).split(x, y))
      total += dislib::CascadeSVM(p).fit(f.x_train, f.y_train).score(f.x_test, f.y_test);
    one_by_one.push_back(total / 3);
  }
  write_row("csvm_one_by_one_score", one_by_one);
  return 0;
}

// GridSearchCV of KNeighborsClassifier saved and loaded (with the same grid): the same
// results and the refitted best estimator's predictions; without refit, no best estimator,
// before and after loading; a grid of another size is an error at load.
int run_gridsearch_save(char** argv) {
  KnnSearchRun run = fit_knn_search(argv);
  const dislib::Array &x = run.x, &y = run.y;
  const std::vector<dislib::KNeighborsClassifierParams>& grid = knn_grid;
  KnnSearch& search = run.search;
  // Saved and loaded (with the same grid): the same results, the refitted best estimator's
  // predictions; without refit, no best estimator, before and after loading.
  search.save(out_dir + "/search.json");
  const KnnSearch loaded = KnnSearch::load(out_dir + "/search.json", grid);
  write_search("loaded_", loaded, x, y);
  write("loaded_best_predicted", loaded.best_estimator().predict(x));
  KnnSearch no_refit(grid, dislib::KFold({.n_splits = 3}), false);
  no_refit.fit(x, y);
  no_refit.save(out_dir + "/no_refit.json");
  const KnnSearch no_refit_loaded = KnnSearch::load(out_dir + "/no_refit.json", grid);
  std::string no_refit_errors;
  for (const KnnSearch* s : {static_cast<const KnnSearch*>(&no_refit), &no_refit_loaded}) {
    try {
      s->best_estimator();
    } catch (const compss::Error& e) {
      no_refit_errors += std::string(e.what()) + "\n";
    }
  }
  write_text("no_refit.txt", std::to_string(no_refit_loaded.best_index()) + " " +
                                 number(no_refit_loaded.best_score()) + "\n" + no_refit_errors);
  try {
    KnnSearch::load(out_dir + "/search.json", {grid[0], grid[1]});
  } catch (const compss::Error& e) {
    write_text("wrong_grid.txt", std::string(e.what()) + "\n");
  }

  return 0;
}

// CascadeSVM fitted three ways (convergence by exception, by a wait per iteration, a
// fixed max_iter): n_iter, predictions and scores of each; the exception fit saved and
// loaded predicts again.
int run_csvm(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {200, 6});
  const dislib::Array y = dislib::load_txt_file(argv[1], {200, 1});
  const dislib::Array xt = dislib::load_txt_file(argv[2], {150, 6});
  const dislib::Array yt = dislib::load_txt_file(argv[3], {150, 1});
  out_dir = argv[7];
  const dislib::CascadeSVMParams params{.cascade_arity = 2, .max_iter = 8, .tol = 1e-4,
                                        .kernel = argv[4], .C = std::strtod(argv[5], nullptr),
                                        .gamma = std::strtod(argv[6], nullptr)};
  struct Variant {
    const char* name;
    bool check;
    dislib::ConvergenceCheck how;
  };
  for (const Variant& v : {Variant{"exception", true, dislib::ConvergenceCheck::exception},
                           Variant{"synchronize", true, dislib::ConvergenceCheck::synchronize},
                           Variant{"fixed", false, dislib::ConvergenceCheck::exception}}) {
    dislib::CascadeSVMParams p = params;
    p.check_convergence = v.check;
    p.convergence = v.how;
    dislib::CascadeSVM svm(p);
    svm.fit(x, y);
    const std::string name = v.name;
    write(name + "_predicted", svm.predict(xt));
    write(name + "_decision", svm.decision_function(xt));
    write_text(name + "_fit.txt", std::to_string(svm.n_iter()) + " " +
                                      std::to_string(svm.support_vectors().size()) + " " +
                                      number(svm.score(xt, yt)) + "\n");
    if (name == "exception") {
      svm.save(out_dir + "/csvm.json");
      write("loaded_predicted", dislib::CascadeSVM::load(out_dir + "/csvm.json").predict(xt));
    }
  }
  return 0;
}

int run_forest(char** argv) {
  const dislib::Array x = dislib::load_txt_file(argv[0], {230, 5});
  const dislib::Array y = dislib::load_txt_file(argv[1], {230, 1});
  const dislib::Array xt = dislib::load_txt_file(argv[2], {160, 3});
  const dislib::Array yt = dislib::load_txt_file(argv[3], {160, 1});
  out_dir = argv[10];
  dislib::RandomForestClassifierParams params{.n_estimators = std::strtoul(argv[4], nullptr, 10),
                                              .max_features = dislib::MaxFeatures::parse(argv[7]),
                                              .bootstrap = std::string(argv[8]) == "1",
                                              .random_state = std::strtoull(argv[6], nullptr, 10),
                                              .distr_depth = dislib::DistrDepth::parse(argv[9])};
  if (const std::size_t depth = std::strtoul(argv[5], nullptr, 10); depth != 0)
    params.max_depth = depth;
  dislib::RandomForestClassifier rf(params);
  rf.fit(x, y);
  write("predicted", rf.predict(xt));
  write("proba", rf.predict_proba(xt));
  write_row("classes", rf.classes());
  write_text("score.txt", number(rf.score(xt, yt)) + "\n");
  rf.save(out_dir + "/forest.json");
  write("loaded_predicted", dislib::RandomForestClassifier::load(out_dir + "/forest.json").predict(xt));
  return 0;
}

// Prints the levels a distr_depth rule gives for n rows and max_depth (0: unset).
int run_distr_depth(char** argv) {
  std::optional<std::size_t> max_depth;
  if (const std::size_t depth = std::strtoul(argv[2], nullptr, 10); depth != 0) max_depth = depth;
  std::printf("%zu\n", dislib::DistrDepth::parse(argv[0]).levels(std::strtoull(argv[1], nullptr, 10),
                                                                 max_depth));
  return 0;
}

int run_load(char** argv) {
  const std::string kind = argv[1];
  dislib::Array a;
  if (kind == "csv") a = dislib::load_txt_file(argv[0], {4, 4});
  else if (kind == "npy") a = dislib::load_npy_file(argv[0], {4, 4});
  else a = dislib::load_svmlight_file(argv[0], {4, 4}, 3).first;
  std::printf("%zu x %zu\n", a.rows(), a.cols());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  try {
    if (cmd == "array" && argc == 6) return run_array(argv + 2);
    if (cmd == "kmeans" && argc == 10) return run_kmeans(argv + 2);
    if (cmd == "scalers" && argc == 4) return run_scalers(argv + 2);
    if (cmd == "pca" && argc == 5) return run_pca(argv + 2);
    if (cmd == "linreg" && argc == 5) return run_linreg(argv + 2);
    if (cmd == "knn" && argc == 8) return run_knn(argv + 2);
    if (cmd == "gridsearch" && argc == 5) return run_gridsearch(argv + 2);
    if (cmd == "gridsearch_save" && argc == 5) return run_gridsearch_save(argv + 2);
    if (cmd == "csvm" && argc == 10) return run_csvm(argv + 2);
    if (cmd == "forest" && argc == 13) return run_forest(argv + 2);
    if (cmd == "distr_depth" && argc == 5) return run_distr_depth(argv + 2);
    if (cmd == "load" && argc == 4) return run_load(argv + 2);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: see the comment at the top of dislib_check.cpp\n");
  return 2;
}
