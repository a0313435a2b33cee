#!/usr/bin/python3
"""CascadeSVM, GridSearchCV of CascadeSVM (three variants) and RandomForestClassifier:
dislib (C++, tasks) against scikit-learn, same data, same cores, same run.

usage: run_classifiers.py <build-dir> [--n N] [--d D] [--cores C] [--workers W]
                          [--block-rows R] [--c C] [--gamma G] [--trees T]

Generates a binary problem (scikit-learn's make_classification, seed 0: n rows, d
features, 3/4 for training) into CSV files and times
  - dislib (bench_classifiers, COMPSS_THREADS=C; with --workers W > 0 also under
    compss-run --workers W): CascadeSVM fit in the three ways of stopping
    (synchronize: a wait per iteration; fixed: max_iter; exception: a task that throws
    compss::Exception in a task group), GridSearchCV of CascadeSVM over C x gamma
    (2 x 2, KFold(3)) in the same three ways, RandomForestClassifier fit;
  - scikit-learn with its thread pools limited to C: SVC fit, GridSearchCV(SVC) over the
    same grid and folds (n_jobs=C), RandomForestClassifier (n_jobs=C);
and prints times and test accuracies side by side.
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np


def parse():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build")
    p.add_argument("--n", type=int, default=8000)
    p.add_argument("--d", type=int, default=10)
    p.add_argument("--cores", type=int, default=os.cpu_count())
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--block-rows", type=int, default=0,
                   help="rows per block (default: training rows / (2 x cores))")
    p.add_argument("--c", type=float, default=1.0)
    p.add_argument("--gamma", type=float, default=0.1)
    p.add_argument("--trees", type=int, default=50)
    return p.parse_args()


def sklearn_times(work, a):
    code = f"""
import time, numpy as np
from threadpoolctl import threadpool_limits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.svm import SVC
load = lambda name: np.loadtxt({work!r} + "/" + name + ".csv", delimiter=",", ndmin=2)
xtr, ytr, xte, yte = load("xtr"), load("ytr").ravel(), load("xte"), load("yte").ravel()
with threadpool_limits(limits={a.cores}):
    t = time.perf_counter(); svc = SVC(C={a.c}, gamma={a.gamma}).fit(xtr, ytr)
    print("svc", time.perf_counter() - t, svc.score(xte, yte))
    grid = {{"C": [{a.c} / 10, {a.c}], "gamma": [{a.gamma}, {a.gamma} * 10]}}
    t = time.perf_counter()
    gs = GridSearchCV(SVC(), grid, cv=KFold(n_splits=3), n_jobs={a.cores}).fit(xtr, ytr)
    print("gridsearch", time.perf_counter() - t, gs.best_params_["C"], gs.best_params_["gamma"],
          gs.best_score_)
    t = time.perf_counter()
    rf = RandomForestClassifier(n_estimators={a.trees}, n_jobs={a.cores}, random_state=0).fit(xtr, ytr)
    print("forest", time.perf_counter() - t, rf.score(xte, yte))
"""
    env = dict(os.environ, OMP_NUM_THREADS=str(a.cores), OPENBLAS_NUM_THREADS=str(a.cores))
    out = subprocess.run(["/usr/bin/python3", "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    return {line.split()[0]: line.split()[1:] for line in out.splitlines()}


def dislib_times(work, a, workers):
    program = os.path.join(a.build, "bin", "bench_classifiers")
    n_train = a.n * 3 // 4
    rows = a.block_rows or max(100, n_train // (2 * a.cores))
    args = [program] + [os.path.join(work, f + ".csv") for f in ("xtr", "ytr", "xte", "yte")]
    args += [str(rows), str(a.c), str(a.gamma), str(a.trees)]
    env = dict(os.environ, COMPSS_THREADS=str(a.cores))
    if workers:
        args = [os.path.join(a.build, "bin", "compss-run"), "--no-progress", "--workers",
                str(workers), "--"] + args
    out = subprocess.run(args, env=env, cwd=work, capture_output=True, text=True, check=True).stdout
    lines = {}
    for line in out.splitlines():
        f = line.split()
        lines[" ".join(f[:2]) if f[0] != "forest" else "forest"] = f[2:] if f[0] != "forest" else f[1:]
    return lines, rows


def main():
    a = parse()
    a.build = os.path.abspath(a.build)
    from sklearn.datasets import make_classification
    x, y = make_classification(n_samples=a.n, n_features=a.d, n_informative=a.d // 2 + 1,
                               flip_y=0.05, random_state=0)
    n_train = a.n * 3 // 4
    with tempfile.TemporaryDirectory() as work:
        for name, v in (("xtr", x[:n_train]), ("ytr", y[:n_train]), ("xte", x[n_train:]),
                        ("yte", y[n_train:])):
            np.savetxt(os.path.join(work, name + ".csv"), v.reshape(len(v), -1), delimiter=",",
                       fmt="%.17g")
        theirs = sklearn_times(work, a)
        runs = [("local", 0)] + ([(f"compss-run --workers {a.workers}", a.workers)]
                                 if a.workers else [])
        print(f"{n_train} training rows x {a.d} features, {a.n - n_train} test rows, "
              f"{a.cores} cores; C={a.c}, gamma={a.gamma}, {a.trees} trees")
        print(f"scikit-learn: SVC fit {float(theirs['svc'][0]):.3f} s accuracy "
              f"{float(theirs['svc'][1]):.4f}; GridSearchCV(SVC) {float(theirs['gridsearch'][0]):.3f} s "
              f"best C={theirs['gridsearch'][1]} gamma={theirs['gridsearch'][2]} score "
              f"{float(theirs['gridsearch'][3]):.4f}; RandomForest fit {float(theirs['forest'][0]):.3f} s "
              f"accuracy {float(theirs['forest'][1]):.4f}")
        for label, workers in runs:
            ours, rows = dislib_times(work, a, workers)
            print(f"dislib ({label}, blocks of {rows} rows):")
            for v in ("synchronize", "fixed", "exception"):
                t, n_iter, acc = ours["csvm " + v]
                gt, gc, gg, gscore = ours["gridsearch " + v]
                print(f"  {v:12s} CascadeSVM fit {float(t):7.3f} s ({n_iter} iterations, "
                      f"accuracy {float(acc):.4f}); GridSearchCV {float(gt):7.3f} s "
                      f"(best C={gc} gamma={gg} score {float(gscore):.4f})")
            t, acc = ours["forest"]
            print(f"  RandomForest fit {float(t):.3f} s accuracy {float(acc):.4f}")


if __name__ == "__main__":
    main()
