#!/usr/bin/python3
"""Compares dislib with numpy and scikit-learn on the same generated files.

usage: compare_sklearn.py <case> <mode> <dislib_check> <compss-run>
  case: array | kmeans | kmeans_init | load_errors | ...  (the functions case_*)
  mode: local | workers2 (compss-run --workers 2) | workers3 (--workers 3 --master-cores 0)

Generates small data sets in a fresh directory, runs dislib_check on them (in the given
mode), runs numpy / scikit-learn (Debian's python3-sklearn) on the same files and compares
what both computed. Prints what differs and exits 1, or prints OK and exits 0.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

RTOL = 1e-9
failures = []


def check(name, ours, theirs, rtol=RTOL, atol=1e-12):
    ours = np.atleast_2d(np.asarray(ours, dtype=float))
    theirs = np.atleast_2d(np.asarray(theirs, dtype=float))
    if theirs.shape != ours.shape and theirs.T.shape == ours.shape:
        theirs = theirs.T
    if ours.shape != theirs.shape:
        failures.append(f"{name}: shape {ours.shape}, expected {theirs.shape}")
        return
    scale = max(1.0, float(np.abs(theirs).max())) if theirs.size else 1.0
    if not np.allclose(ours, theirs, rtol=rtol, atol=atol * scale):
        worst = np.unravel_index(np.argmax(np.abs(ours - theirs)), ours.shape)
        failures.append(f"{name}: differs at {tuple(int(i) for i in worst)}: "
                        f"{ours[worst]!r} vs {theirs[worst]!r}")


def check_equal(name, ours, theirs):
    if np.asarray(ours).ravel().tolist() != np.asarray(theirs).ravel().tolist():
        failures.append(f"{name}: {np.asarray(ours).ravel()[:10]} ... vs "
                        f"{np.asarray(theirs).ravel()[:10]} ...")


def read(out, name):
    return np.loadtxt(os.path.join(out, name + ".csv"), delimiter=",", ndmin=2)


class Runner:
    def __init__(self, mode, program, launcher, work):
        self.mode, self.program, self.launcher, self.work = mode, program, launcher, work

    def command(self, args):
        if self.mode == "local":
            return [self.program] + args
        layout = {"workers2": ["--workers", "2"],
                  "workers3": ["--workers", "3", "--master-cores", "0"]}[self.mode]
        return [self.launcher, "--no-progress"] + layout + ["--", self.program] + args

    def run(self, args, expect_ok=True, env=None):
        # Bounded: a lost task or a worker that never connects fails the test, not hangs it.
        p = subprocess.run(self.command(args), cwd=self.work, capture_output=True, text=True,
                           timeout=150, env=dict(os.environ, **(env or {})))
        if expect_ok and p.returncode != 0:
            sys.exit(f"FAIL: {' '.join(self.command(args))} exited {p.returncode}\n{p.stderr}")
        return p

    def out_dir(self, name):
        d = os.path.join(self.work, name)
        os.makedirs(d, exist_ok=True)
        return d


def blobs(n, d, k, seed):
    from sklearn.datasets import make_blobs
    x, _ = make_blobs(n_samples=n, n_features=d, centers=k, cluster_std=2.0, random_state=seed)
    return x


def save_csv(path, x):
    np.savetxt(path, x, delimiter=",", fmt="%.17g")


def case_array(r):
    from sklearn.datasets import dump_svmlight_file
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 5))
    x[4, 2] = 0.0
    save_csv(os.path.join(r.work, "x.csv"), x)
    np.save(os.path.join(r.work, "x.npy"), np.asfortranarray(x))  # Fortran order on purpose
    y = np.arange(30) % 3
    dump_svmlight_file(x, y, os.path.join(r.work, "x.svm"))
    out = r.out_dir("out")
    r.run(["array", "x.csv", "x.npy", "x.svm", out])
    check("load_txt_file", read(out, "x"), x, rtol=0, atol=0)
    check("load_npy_file", read(out, "x_npy"), x, rtol=0, atol=0)
    # dump_svmlight_file writes 16 significant digits
    check("load_svmlight_file x", read(out, "x_svm"), x, rtol=1e-15, atol=0)
    check("load_svmlight_file y", read(out, "y_svm"), y.reshape(-1, 1), rtol=0, atol=0)
    check("sum(0)", read(out, "sum0"), x.sum(axis=0, keepdims=True))
    check("sum(1)", read(out, "sum1"), x.sum(axis=1, keepdims=True))
    check("mean(0)", read(out, "mean0"), x.mean(axis=0, keepdims=True))
    check("mean(1)", read(out, "mean1"), x.mean(axis=1, keepdims=True))
    check("min(0)", read(out, "min0"), x.min(axis=0, keepdims=True), rtol=0, atol=0)
    check("max(1)", read(out, "max1"), x.max(axis=1, keepdims=True), rtol=0, atol=0)
    check("norm(0)", read(out, "norm0"), np.linalg.norm(x, axis=0, keepdims=True))
    check("norm(1)", read(out, "norm1"), np.linalg.norm(x, axis=1, keepdims=True))
    check("transpose", read(out, "transpose"), x.T, rtol=0, atol=0)
    check("matmul", read(out, "xtx"), x.T @ x)
    check("arithmetic", read(out, "arith"), (x + x * 2.0 - 1.0) / (x * x + 1.0))
    check("pow", read(out, "pow"), x ** 2)
    check("slice", read(out, "slice"), x[5:23, 1:], rtol=0, atol=0)
    check("slice rechunked", read(out, "slice_rechunk"), x[5:23, 1:], rtol=0, atol=0)
    check("rechunk", read(out, "rechunk"), x, rtol=0, atol=0)
    check("apply_along_axis sort 0", read(out, "apply_sort0"), np.sort(x, axis=0), rtol=0, atol=0)
    check("apply_along_axis range 1", read(out, "apply_range1"),
          np.stack([x.min(axis=1), x.max(axis=1)], axis=1), rtol=0, atol=0)
    check("zeros", read(out, "zeros"), np.zeros((3, 4)), rtol=0, atol=0)
    check("identity", read(out, "identity"), np.eye(5), rtol=0, atol=0)
    rand = read(out, "random")
    if rand.shape != (9, 4) or rand.min() < 0 or rand.max() >= 1 or len(np.unique(rand)) != 36:
        failures.append(f"random_array: not 9x4 distinct values in [0, 1): {rand}")
    with open(os.path.join(out, "slice_shares.txt")) as f:
        shares = f.read().split()
    if shares != ["shared", "2", "cut"]:
        failures.append(f"slices: an aligned slice must share its blocks and keep them "
                        f"(2 blocks), a cut one must not: {shares}")


def run_kmeans(r, x, init, k, max_iter, tol, arity, block_rows, name):
    save_csv(os.path.join(r.work, name + ".csv"), x)
    if not isinstance(init, str):
        save_csv(os.path.join(r.work, name + "_init.csv"), init)
        init_arg = name + "_init.csv"
    else:
        init_arg = init
    out = r.out_dir(name)
    r.run(["kmeans", name + ".csv", init_arg, str(k), str(max_iter), str(tol), str(arity),
           str(block_rows), out])
    centers = read(out, "centers")
    labels = read(out, "labels").ravel().astype(int)
    with open(os.path.join(out, "stats.txt")) as f:
        inertia, n_iter = f.read().split()
    check_equal(f"{name}: labels after save/load", read(out, "labels_loaded").ravel(), labels)
    check(f"{name}: centres after save/load", read(out, "centers_loaded"), centers, rtol=0, atol=0)
    with open(os.path.join(out, "score.txt")) as f:
        score, loaded_score = (float(v) for v in f.read().split())
    check(f"{name}: score after save/load", [loaded_score], [score], rtol=0, atol=0)
    return centers, labels, float(inertia), int(n_iter), score, read(out, "transform")


def compare_kmeans_with_sklearn(r, name, x, k, max_iter, tol, arity, block_rows):
    from sklearn.cluster import KMeans
    init = x[np.random.default_rng(11).choice(len(x), k, replace=False)]
    centers, labels, inertia, n_iter, score, distances = run_kmeans(
        r, x, init, k, max_iter, tol, arity, block_rows, name)
    km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=tol,
                algorithm="lloyd").fit(x)
    check(f"{name}: cluster_centers", centers, km.cluster_centers_)
    check(f"{name}: inertia", [inertia], [km.inertia_])
    check_equal(f"{name}: labels", labels, km.labels_)
    check_equal(f"{name}: n_iter", [n_iter], [km.n_iter_])
    check(f"{name}: score of the first third", [score], [km.score(x[:len(x) // 3])])
    # Both in GEMM form (||x||^2 - 2 x.c + ||c||^2): close, not equal.
    check(f"{name}: transform of the first third", distances, km.transform(x[:len(x) // 3]),
          rtol=1e-7, atol=1e-7)


def case_kmeans(r):
    # Stops on tol (scikit-learn's relative tolerance) after a few iterations.
    compare_kmeans_with_sklearn(r, "tol", blobs(3000, 2, 5, 1), 5, 100, 1e-4, 8, 400)
    # Runs every iteration (tol 0), binary partial-sum tree, uneven last block.
    compare_kmeans_with_sklearn(r, "fixed", blobs(2000, 2, 4, 2), 6, 7, 0.0, 2, 333)
    # k = 21: the nearest centre over full groups of 8 lanes and a tail of 5 (kmeans_tasks.cpp).
    compare_kmeans_with_sklearn(r, "lanes", blobs(3000, 5, 21, 3), 21, 4, 0.0, 4, 700)


def case_kmeans_init(r):
    # k-means++ and random initialisation: not scikit-learn's generator, so compare the
    # quality: the inertia within 1% of scikit-learn's best of 3 k-means++ runs.
    from sklearn.cluster import KMeans
    x = blobs(2000, 2, 4, 5)
    best = KMeans(n_clusters=4, n_init=3, random_state=0).fit(x).inertia_
    for init in ("k-means++", "random"):
        _, labels, inertia, _, _, _ = run_kmeans(r, x, init, 4, 100, 1e-4, 8, 500, init)
        if inertia > best * 1.01:
            failures.append(f"init {init}: inertia {inertia} far above scikit-learn's {best}")
        if len(np.unique(labels)) != 4:
            failures.append(f"init {init}: {len(np.unique(labels))} clusters used, not 4")


def case_scalers(r):
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    rng = np.random.default_rng(7)
    x = rng.normal(loc=[1.0, -50.0, 3e3, 0.0, 7.0], scale=[1.0, 10.0, 5e2, 1e-3, 2.0],
                   size=(500, 5))
    x[:, 4] = 7.0  # a constant feature: scale 1 (StandardScaler), range 0 (MinMaxScaler)
    save_csv(os.path.join(r.work, "x.csv"), x)
    out = r.out_dir("out")
    r.run(["scalers", "x.csv", out])
    sc = StandardScaler().fit(x)
    check("StandardScaler transform", read(out, "std"), sc.transform(x))
    check("StandardScaler mean_ var_ scale_", read(out, "std_stats"),
          np.vstack([sc.mean_, sc.var_, sc.scale_]))
    check("StandardScaler inverse_transform", read(out, "std_inverse"), x)
    check("StandardScaler saved and loaded", read(out, "std_loaded"), read(out, "std"), rtol=0, atol=0)
    mm = MinMaxScaler(feature_range=(-1.0, 2.0)).fit(x)
    check("MinMaxScaler transform", read(out, "minmax"), mm.transform(x))
    check("MinMaxScaler data_min_ data_max_ data_range_ scale_ min_", read(out, "minmax_stats"),
          np.vstack([mm.data_min_, mm.data_max_, mm.data_range_, mm.scale_, mm.min_]))
    check("MinMaxScaler inverse_transform", read(out, "minmax_inverse"), x)
    check("MinMaxScaler saved and loaded", read(out, "minmax_loaded"), read(out, "minmax"), rtol=0, atol=0)


def case_pca(r):
    from sklearn.decomposition import PCA
    rng = np.random.default_rng(5)
    # Correlated features with distinct variances (well separated eigenvalues).
    x = rng.normal(size=(1000, 6)) @ rng.normal(size=(6, 6)) * [1, 2, 3, 4, 5, 6] + 10.0
    save_csv(os.path.join(r.work, "x.csv"), x)
    out = r.out_dir("out")
    r.run(["pca", "x.csv", "4", out])
    pca = PCA(n_components=4, svd_solver="full").fit(x)
    ours = read(out, "components")
    signs = np.sign(np.sum(ours * pca.components_, axis=1, keepdims=True))  # up to sign
    check("PCA components_ (up to sign)", ours, pca.components_ * signs)
    check("PCA explained_variance_ ratio_ singular_values_ mean_", read(out, "variance"),
          np.vstack([pca.explained_variance_, pca.explained_variance_ratio_,
                     pca.singular_values_]))
    check("PCA mean_", read(out, "mean"), pca.mean_.reshape(1, -1))
    check("PCA transform (up to sign)", read(out, "transformed"), pca.transform(x) * signs.T)
    check("PCA inverse_transform", read(out, "inverse"), pca.inverse_transform(pca.transform(x)))
    check("PCA saved and loaded", read(out, "transformed_loaded"), read(out, "transformed"),
          rtol=0, atol=0)


def case_linreg(r):
    from sklearn.linear_model import LinearRegression
    rng = np.random.default_rng(9)
    x = rng.normal(size=(700, 7)) * [1, 2, 3, 1, 1, 5, 0.5] + 3.0
    y = x @ rng.normal(size=(7, 2)) + [4.0, -2.0] + rng.normal(scale=0.1, size=(700, 2))
    save_csv(os.path.join(r.work, "x.csv"), x)
    save_csv(os.path.join(r.work, "y.csv"), y)
    out = r.out_dir("out")
    r.run(["linreg", "x.csv", "y.csv", out])
    lr = LinearRegression().fit(x, y)
    check("LinearRegression coef_", read(out, "coef"), lr.coef_)
    check("LinearRegression intercept_", read(out, "intercept"), lr.intercept_.reshape(1, -1))
    check("LinearRegression predict", read(out, "predicted"), lr.predict(x))
    with open(os.path.join(out, "score.txt")) as f:
        check("LinearRegression score", [float(f.read())], [lr.score(x, y)])
    check("LinearRegression saved and loaded", read(out, "predicted_loaded"),
          read(out, "predicted"), rtol=0, atol=0)


def case_knn(r):
    from sklearn.datasets import make_classification
    from sklearn.neighbors import KNeighborsClassifier
    x, y = make_classification(n_samples=1500, n_features=6, n_informative=4, n_classes=3,
                               random_state=4)
    xtr, ytr, xte, yte = x[:1100], y[:1100], x[1100:], y[1100:]
    for name, v in (("xtr", xtr), ("ytr", ytr), ("xte", xte), ("yte", yte)):
        save_csv(os.path.join(r.work, name + ".csv"), v.reshape(len(v), -1))
    for k in (1, 5):
        out = r.out_dir(f"k{k}")
        r.run(["knn", "xtr.csv", "ytr.csv", "xte.csv", "yte.csv", str(k), out])
        knn = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(xtr, ytr)
        check_equal(f"KNeighborsClassifier(n_neighbors={k}) predict", read(out, "predicted").ravel(),
                    knn.predict(xte).astype(float))
        with open(os.path.join(out, "score.txt")) as f:
            check(f"KNeighborsClassifier(n_neighbors={k}) score", [float(f.read())],
                  [knn.score(xte, yte)])
        distances, indices = knn.kneighbors(xte)
        check_equal(f"KNeighborsClassifier(n_neighbors={k}) kneighbors indices",
                    read(out, "kneighbors_indices"), indices.astype(float))
        # Both compute distances in GEMM form (||q||^2 - 2 q.x + ||x||^2): close, not equal.
        check(f"KNeighborsClassifier(n_neighbors={k}) kneighbors distances",
              read(out, "kneighbors_distances"), distances, rtol=1e-7, atol=1e-7)
        check_equal(f"KNeighborsClassifier(n_neighbors={k}) kneighbors(n_neighbors={k + 2})",
                    read(out, "kneighbors_wider_indices"),
                    knn.kneighbors(xte, n_neighbors=k + 2)[1].astype(float))
        check_equal(f"KNeighborsClassifier(n_neighbors={k}) saved and loaded",
                    read(out, "loaded_predicted"), read(out, "predicted"))
        check_equal(f"KNeighborsClassifier(n_neighbors={k}) classes_", read(out, "classes"),
                    knn.classes_.astype(float))
        # Class fractions among k neighbours: the same divisions, so equal to the last bit.
        check(f"KNeighborsClassifier(n_neighbors={k}) predict_proba", read(out, "predict_proba"),
              knn.predict_proba(xte), rtol=0, atol=0)
        check_equal(f"KNeighborsClassifier(n_neighbors={k}) predict_proba saved and loaded",
                    read(out, "loaded_predict_proba"), read(out, "predict_proba"))


def task_ids(trace_dir, name):
    """Ids of the tasks called `name` in the run's Perfetto trace (trace.json)."""
    with open(os.path.join(trace_dir, "trace.json")) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    return sorted({e["args"]["task"] for e in events
                   if e.get("cat") == "task" and e.get("ph") == "X"
                   and e.get("name", "").split("::")[-1] == name and "task" in e.get("args", {})})


def knn_search_data(r):
    """Writes x.csv and y.csv; returns x, y and scikit-learn's fitted GridSearchCV of
    KNeighborsClassifier over n_neighbors 1, 3, 5, 9 with KFold(3) (dislib_check's grid)."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.neighbors import KNeighborsClassifier
    x, y = make_classification(n_samples=1000, n_features=5, n_informative=3, n_classes=2,
                               flip_y=0.2, random_state=8)
    save_csv(os.path.join(r.work, "x.csv"), x)
    save_csv(os.path.join(r.work, "y.csv"), y.reshape(-1, 1))
    gs = GridSearchCV(KNeighborsClassifier(algorithm="brute"), {"n_neighbors": [1, 3, 5, 9]},
                      cv=KFold(n_splits=3)).fit(x, y)
    return x, y, gs


def check_search(out, prefix, what, gs, x, y):
    """dislib_check's write_search output against scikit-learn's fitted search gs."""
    cv = gs.cv_results_
    check(f"{what} mean_test_score", read(out, prefix + "mean_test_score"),
          cv["mean_test_score"].reshape(1, -1))
    check(f"{what} split<i>_test_score", read(out, prefix + "split_test_score"),
          np.column_stack([cv[f"split{i}_test_score"] for i in range(3)]))
    check(f"{what} std_test_score", read(out, prefix + "std_test_score"),
          cv["std_test_score"].reshape(1, -1))
    check_equal(f"{what} rank_test_score", read(out, prefix + "rank_test_score"),
                cv["rank_test_score"].astype(float))
    with open(os.path.join(out, prefix + "best.txt")) as f:
        index, k, score, refit = f.read().split()
    check_equal(f"{what} best_index_ and best_params_", [int(index), int(k)],
                [gs.best_index_, gs.best_params_["n_neighbors"]])
    check(f"{what} best_score_", [float(score)], [gs.best_score_])
    check(f"{what} best_estimator_ score", [float(refit)], [gs.best_estimator_.score(x, y)])


def case_gridsearch_save(r):
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.neighbors import KNeighborsClassifier
    x, y, gs = knn_search_data(r)
    out = r.out_dir("out")
    r.run(["gridsearch_save", "x.csv", "y.csv", out])
    check_search(out, "loaded_", "GridSearchCV saved and loaded", gs, x, y)
    check_equal("GridSearchCV saved and loaded best_estimator_ predict",
                read(out, "loaded_best_predicted"), gs.best_estimator_.predict(x).astype(float))
    gs_no_refit = GridSearchCV(KNeighborsClassifier(algorithm="brute"),
                               {"n_neighbors": [1, 3, 5, 9]}, cv=KFold(n_splits=3),
                               refit=False).fit(x, y)
    with open(os.path.join(out, "no_refit.txt")) as f:
        lines = f.read().splitlines()
    check_equal("GridSearchCV(refit=False) saved and loaded best_index_", [int(lines[0].split()[0])],
                [gs_no_refit.best_index_])
    check("GridSearchCV(refit=False) saved and loaded best_score_", [float(lines[0].split()[1])],
          [gs_no_refit.best_score_])
    if len(lines) != 3 or not all("best_estimator is only there" in l for l in lines[1:]):
        failures.append(f"GridSearchCV(refit=False): best_estimator() before and after load "
                        f"must be errors, got {lines[1:]}")
    wrong = os.path.join(out, "wrong_grid.txt")
    text = open(wrong).read() if os.path.exists(wrong) else "(no error)"
    if "saved with 4 candidates, the grid given to load has 2" not in text:
        failures.append(f"GridSearchCV load with another grid: {text!r}")


def case_gridsearch(r):
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.neighbors import KNeighborsClassifier
    x, y, gs = knn_search_data(r)
    out = r.out_dir("out")
    trace = os.path.join(r.work, "trace")
    r.run(["gridsearch", "x.csv", "y.csv", out], env={"COMPSS_TRACE": trace})
    check_search(out, "", "GridSearchCV", gs, x, y)

    # KFold(shuffle=True, random_state=7): scikit-learn's folds exactly, and its search.
    shuffled = KFold(n_splits=3, shuffle=True, random_state=7)
    for i, (train, test) in enumerate(shuffled.split(x)):
        check_equal(f"KFold(shuffle=True) fold {i} test indices", read(out, f"kfold_test_{i}"),
                    test.astype(float))
        check(f"KFold(shuffle=True) fold {i} x_test rows", read(out, f"shuffled_x_test_{i}"),
              x[test], rtol=0, atol=0)
        check_equal(f"KFold(shuffle=True) fold {i} y_train rows",
                    read(out, f"shuffled_y_train_{i}"), y[train].astype(float))
    gs_shuffled = GridSearchCV(KNeighborsClassifier(algorithm="brute"),
                               {"n_neighbors": [1, 3, 5, 9]}, cv=shuffled).fit(x, y)
    check("GridSearchCV(cv=KFold(shuffle=True)) mean_test_score",
          read(out, "shuffled_mean_test_score"),
          gs_shuffled.cv_results_["mean_test_score"].reshape(1, -1))

    # GridSearchCV of CascadeSVM (exception check): the same scores as the fits made one at a
    # time (so no fit's exception cancelled another's tasks), and every candidate's fit
    # submitted before the first score: 2 candidates x 3 folds. x has two column blocks, so
    # each fold's training rows are rechunked into whole rows of their first block's height
    # (166, 250 and 250 rows: fold bounds 334 and 667): 5 + 3 + 3 csvm_samples tasks per
    # candidate, 22 in all (one at a time, the first score would follow the first 5).
    check("GridSearchCV(CascadeSVM) scores equal the fits made one at a time",
          read(out, "csvm_mean_test_score"), read(out, "csvm_one_by_one_score"), rtol=0, atol=0)
    samples = task_ids(trace, "csvm_samples")
    scores = [i for i in task_ids(trace, "equal_count_block") if samples and i > samples[0]]
    before = [i for i in samples if scores and i < scores[0]]
    if len(before) != 22:
        failures.append(f"GridSearchCV(CascadeSVM): {len(before)} csvm_samples tasks submitted "
                        f"before the first score task, expected every fit's 22 (candidates "
                        f"fitted in parallel)")


def case_csvm(r):
    from sklearn.datasets import make_classification
    from sklearn.svm import SVC
    x, y = make_classification(n_samples=1600, n_features=6, n_informative=4, n_redundant=0,
                               flip_y=0.05, class_sep=0.8, random_state=11)
    y = 3.0 + 4.0 * y  # labels 3 and 7: the classes need not be 0 and 1
    xtr, ytr, xte, yte = x[:1200], y[:1200], x[1200:], y[1200:]
    for name, v in (("xtr", xtr), ("ytr", ytr), ("xte", xte), ("yte", yte)):
        save_csv(os.path.join(r.work, name + ".csv"), v.reshape(len(v), -1))
    for kernel, c, gamma in (("rbf", 1.0, 0.2), ("linear", 0.5, 1.0)):
        out = r.out_dir(kernel)
        r.run(["csvm", "xtr.csv", "ytr.csv", "xte.csv", "yte.csv", kernel, str(c), str(gamma),
               out])
        theirs = SVC(C=c, kernel=kernel, gamma=gamma).fit(xtr, ytr).score(xte, yte)
        with open(os.path.join(out, "csvm.json")) as f:  # parameters by scikit-learn's names
            saved = json.load(f)["params"]
        if saved.get("C") != c or saved.get("kernel") != kernel:
            failures.append(f"CascadeSVM({kernel}) saved params {saved}: expected C={c}")
        fits = {}
        for variant in ("exception", "synchronize", "fixed"):
            with open(os.path.join(out, variant + "_fit.txt")) as f:
                n_iter, n_sv, score = f.read().split()
            fits[variant] = (int(n_iter), int(n_sv), float(score))
            label = f"CascadeSVM({kernel}, {variant})"
            predicted = read(out, variant + "_predicted").ravel()
            check(f"{label} score", [fits[variant][2]], [np.mean(predicted == yte)])
            if abs(fits[variant][2] - theirs) > 0.01:
                failures.append(f"{label}: accuracy {fits[variant][2]:.4f}, scikit-learn's "
                                f"SVC {theirs:.4f}: more than 1 point apart")
            decision = read(out, variant + "_decision").ravel()
            check_equal(f"{label} predict is the decision's sign", predicted,
                        np.where(decision > 0, 7.0, 3.0))
        # The two convergence checks stop at the same iteration with the same model.
        if fits["exception"][:2] != fits["synchronize"][:2] or not 1 < fits["exception"][0] < 8:
            failures.append(f"CascadeSVM({kernel}): n_iter and support vectors by exception "
                            f"{fits['exception'][:2]}, by synchronisation "
                            f"{fits['synchronize'][:2]} (expected equal, converged before 8)")
        check(f"CascadeSVM({kernel}) exception and synchronize decisions",
              read(out, "exception_decision"), read(out, "synchronize_decision"), rtol=0, atol=0)
        if fits["fixed"][0] != 8:
            failures.append(f"CascadeSVM({kernel}) without convergence check: n_iter "
                            f"{fits['fixed'][0]}, expected max_iter 8")
        check_equal(f"CascadeSVM({kernel}) saved and loaded", read(out, "loaded_predicted"),
                    read(out, "exception_predicted"))
    # Labels that are not two classes: a clear error, non-zero exit.
    for name, labels, message in (
            ("ythree", np.where(np.arange(len(ytr)) == 500, 5.0, ytr),
             "y has a third label 5.000000 at row 500"),
            ("yone", np.full(len(ytr), 3.0), "y holds one class: fit needs two")):
        save_csv(os.path.join(r.work, name + ".csv"), labels.reshape(-1, 1))
        p = r.run(["csvm", "xtr.csv", name + ".csv", "xte.csv", "yte.csv", "rbf", "1", "0.2",
                   r.out_dir(name)], expect_ok=False)
        if p.returncode == 0 or message not in p.stderr:
            failures.append(f"CascadeSVM with y {name}: exit {p.returncode}, expected an error "
                            f"containing {message!r}; stderr {p.stderr[-400:]!r}")
    # The exception cancelled the iterations after convergence (those of iteration n + 2 and
    # later cannot have started: they wait for iteration n + 1's root).
    reports = [open(f).read() for f in glob.glob(os.path.join(r.work, "compss-logs", "*",
                                                               "failures.txt"))]
    if not any("CascadeSVM converged at iteration" in text and
               re.search(r"csvm_train' \(id \d+\) cancelled", text) for text in reports):
        failures.append("CascadeSVM: no failures.txt in compss-logs reports the convergence "
                        "exception and the cancelled iterations")


def case_forest(r):
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    x, y = make_classification(n_samples=1800, n_features=8, n_informative=5, n_redundant=1,
                               n_classes=3, flip_y=0.03, random_state=21)
    y = y * 2.0 - 1.0  # labels -1, 1, 3
    xtr, ytr, xte, yte = x[:1200], y[:1200], x[1200:], y[1200:]
    for name, v in (("xtr", xtr), ("ytr", ytr), ("xte", xte), ("yte", yte)):
        save_csv(os.path.join(r.work, name + ".csv"), v.reshape(len(v), -1))

    def fit(n_estimators, max_depth, seed, max_features, bootstrap, distr_depth=0, trace=None):
        out = r.out_dir(f"forest{n_estimators}_{max_depth}_{seed}_{max_features}_{bootstrap}_"
                        f"{distr_depth}")
        r.run(["forest", "xtr.csv", "ytr.csv", "xte.csv", "yte.csv", str(n_estimators),
               str(max_depth), str(seed), max_features, str(int(bootstrap)), str(distr_depth),
               out], env={"COMPSS_TRACE": trace} if trace else None)
        label = (f"RandomForestClassifier(n_estimators={n_estimators}, max_depth="
                 f"{max_depth or None}, max_features={max_features}, bootstrap={bootstrap}, "
                 f"distr_depth={distr_depth})")
        with open(os.path.join(out, "score.txt")) as f:
            score = float(f.read())
        predicted, proba = read(out, "predicted").ravel(), read(out, "proba")
        check(f"{label} score", [score], [np.mean(predicted == yte)])
        check(f"{label} predict_proba rows sum to 1", proba.sum(axis=1), np.ones(len(yte)))
        check_equal(f"{label} classes", read(out, "classes"), [-1.0, 1.0, 3.0])
        check_equal(f"{label} predict is predict_proba's most probable class", predicted,
                    np.array([-1.0, 1.0, 3.0])[np.argmax(proba, axis=1)])
        check_equal(f"{label} saved and loaded", read(out, "loaded_predicted"), predicted)
        return label, score, predicted, proba

    def sklearn_forest(n_estimators, max_depth, seed, max_features, bootstrap):
        features = {"None": None, "sqrt": "sqrt", "log2": "log2"}.get(max_features)
        if features is None and max_features != "None":
            features = float(max_features) if "." in max_features else int(max_features)
        return RandomForestClassifier(n_estimators=n_estimators, max_depth=max_depth or None,
                                      max_features=features, bootstrap=bootstrap,
                                      random_state=seed).fit(xtr, ytr)

    # A forest's accuracy varies with its seed by about a point either way: compare the
    # means over seeds (ours over 3, scikit-learn's over 5).
    for n_estimators, max_depth, max_features, bootstrap, distr_depth, seeds in (
            (60, 0, "sqrt", True, 0, 3), (40, 6, "sqrt", True, 0, 3),
            (40, 0, "log2", False, 0, 2), (30, 8, "0.5", True, 0, 2), (40, 0, "sqrt", True, 2, 2)):
        runs = [fit(n_estimators, max_depth, seed, max_features, bootstrap, distr_depth)
                for seed in range(seeds)]
        ours = np.mean([run[1] for run in runs])
        theirs = np.mean([sklearn_forest(n_estimators, max_depth, s, max_features, bootstrap)
                          .score(xte, yte) for s in range(5)])
        if abs(ours - theirs) > 0.01:
            failures.append(f"{runs[0][0]}: mean accuracy {ours:.4f}, scikit-learn's "
                            f"{theirs:.4f}: more than 1 point apart")
    # One tree on every row with every feature is deterministic CART: the same tree as
    # scikit-learn's (shallow, so no two features tie for a split), the same probabilities.
    for max_features, distr_depth in (("None", 0), ("8", 2), ("1.0", 5)):
        label, _, predicted, proba = fit(1, 4, 0, max_features, False, distr_depth)
        tree = sklearn_forest(1, 4, 0, max_features, False)
        check_equal(f"{label} predict equals scikit-learn's", predicted, tree.predict(xte))
        check(f"{label} predict_proba equals scikit-learn's", proba, tree.predict_proba(xte),
              rtol=1e-12)
    # distr_depth "auto" (dislib's rule, floor(log10 n) - 4 levels) on 1,200 rows: none,
    # so the forest of distr_depth 0, one rf_tree task per tree (case forest_auto: 100,000).
    trace = os.path.join(r.work, "trace_auto")
    _, _, auto_predicted, auto_proba = fit(6, 0, 1, "sqrt", True, "auto", trace)
    _, _, zero_predicted, zero_proba = fit(6, 0, 1, "sqrt", True, 0)
    check_equal("distr_depth auto on 1,200 rows: predict as distr_depth 0's", auto_predicted,
                zero_predicted)
    check_equal("distr_depth auto on 1,200 rows: predict_proba as distr_depth 0's", auto_proba,
                zero_proba)
    check_task_counts("distr_depth auto on 1,200 rows", trace, {"rf_tree": 6, "rf_node": 0})
    bad = r.run(["forest", "xtr.csv", "ytr.csv", "xte.csv", "yte.csv", "5", "0", "0", "9", "1",
                 "0", r.out_dir("bad_max_features")], expect_ok=False)
    if bad.returncode == 0 or "max_features=9 with 8 features" not in bad.stderr:
        failures.append(f"max_features=9 of 8 features: exit {bad.returncode}, stderr "
                        f"{bad.stderr[-300:]!r}; expected an error naming max_features")


def check_task_counts(label, trace, counts):
    """The run's trace (COMPSS_TRACE) holds `counts[name]` tasks of each name."""
    for name, count in counts.items():
        seen = len(task_ids(trace, name))
        if seen != count:
            failures.append(f"{label}: {seen} {name} tasks, expected {count}")


def case_forest_auto(r):
    """RandomForestClassifier's distr_depth "auto" at 100,000 training rows, where dislib's
    rule (max(0, floor(log10 n) - 4), at most max_depth) gives 1 level: the forest of
    distr_depth 1 (one rf_node task per tree, then two rf_subtree tasks). The rule itself
    at its other boundaries (locally), through dislib_check's distr_depth command."""
    from sklearn.datasets import make_classification
    x, y = make_classification(n_samples=100_300, n_features=4, n_informative=3,
                               n_redundant=0, random_state=3)
    for name, v in (("xtr", x[:100_000]), ("ytr", y[:100_000]), ("xte", x[100_000:]),
                    ("yte", y[100_000:])):
        save_csv(os.path.join(r.work, name + ".csv"), v.reshape(len(v), -1))

    def fit(distr_depth):
        out, trace = r.out_dir(f"forest_{distr_depth}"), os.path.join(r.work, f"trace_{distr_depth}")
        r.run(["forest", "xtr.csv", "ytr.csv", "xte.csv", "yte.csv", "3", "4", "0", "sqrt", "1",
               distr_depth, out], env={"COMPSS_TRACE": trace})
        return read(out, "predicted"), read(out, "proba"), trace

    auto_predicted, auto_proba, auto_trace = fit("auto")
    one_predicted, one_proba, _ = fit("1")
    check_equal("distr_depth auto on 100,000 rows: predict as distr_depth 1's", auto_predicted,
                one_predicted)
    check_equal("distr_depth auto on 100,000 rows: predict_proba as distr_depth 1's",
                auto_proba, one_proba)
    check_task_counts("distr_depth auto on 100,000 rows", auto_trace,
                      {"rf_tree": 0, "rf_node": 3, "rf_subtree": 6})
    if r.mode != "local":
        return  # the rule alone runs no task
    for rule, n, max_depth, levels in (("auto", 99_999, 0, 0), ("auto", 100_000, 0, 1),
                                       ("auto", 999_999, 0, 1), ("auto", 1_000_000, 0, 2),
                                       ("auto", 10**9, 0, 5), ("auto", 10**9, 3, 3),
                                       ("auto", 10**9, 1, 1), ("2", 10, 1, 2)):
        p = r.run(["distr_depth", rule, str(n), str(max_depth)])
        if p.stdout.strip() != str(levels):
            failures.append(f"distr_depth={rule} for {n} rows, max_depth {max_depth or None}: "
                            f"{p.stdout.strip()!r} levels, dislib's rule gives {levels}")
    for rule in ("-1", "deep", ""):
        p = r.run(["distr_depth", rule, "10", "0"], expect_ok=False)
        if p.returncode == 0 or "distr_depth=" not in p.stderr:
            failures.append(f"distr_depth={rule!r}: exit {p.returncode}, stderr "
                            f"{p.stderr[-300:]!r}; expected an error naming distr_depth")


def case_load_errors(r):
    def expect(name, text, kind, message):
        path = os.path.join(r.work, name)
        with open(path, "wb") as f:
            f.write(text)
        p = r.run(["load", path, kind], expect_ok=False)
        if p.returncode == 0 or message not in p.stderr:
            failures.append(f"{name}: exit {p.returncode}, stderr {p.stderr!r}; expected "
                            f"an error containing {message!r}")
    expect("bad.csv", b"1,2,3\n4,5,6\n7,x,9\n", "csv", "bad.csv:3: field 2 'x' is not a number")
    expect("short.csv", b"1,2,3\n\n4,5\n", "csv", "short.csv:3: has 2 values, the first row has 3")
    expect("bad.svm", b"1 1:2 3:4\n0 2:1 1:3\n", "svmlight", "bad.svm:2: feature indices must increase")
    expect("wide.svm", b"1 1:2 3:4\n0 4:1\n", "svmlight", "wide.svm:2: feature index 4 outside 1..3")
    expect("bad.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': '<i8',}", "npy", "dtype '<i8' is not supported")
    whole = os.path.join(r.work, "whole.npy")
    np.save(whole, np.arange(6.0).reshape(3, 2))
    with open(whole, "rb") as f:
        truncated = f.read()[:-16]
    expect("short.npy", truncated, "npy", "short.npy:1: holds 4 values, its shape (3, 2) says 6")
    p = r.run(["load", os.path.join(r.work, "nowhere.csv"), "csv"], expect_ok=False)
    if p.returncode == 0 or "cannot open" not in p.stderr or "nowhere.csv" not in p.stderr:
        failures.append(f"a missing file: exit {p.returncode}, stderr {p.stderr!r}")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    case, mode, program, launcher = sys.argv[1:]
    with tempfile.TemporaryDirectory() as work:
        globals()["case_" + case](Runner(mode, program, launcher, work))
    if failures:
        print(f"FAIL ({case}, {mode}):")
        for f in failures:
            print("  " + f)
        sys.exit(1)
    print(f"OK: {case} ({mode})")


if __name__ == "__main__":
    main()
