// dislib for C++: distributed arrays and scikit-learn-style estimators on the COMPSs task
// model (docs/dislib.md). Link with `dislib` (programs built by compss-cc) or `dislib_seq`
// (plain builds: everything sequential).
//
//   #include <compss/dislib.hpp>
//
//   dislib::Array x = dislib::random_array({10000, 2}, {1000, 2}, 0);
//   dislib::KMeans km({.n_clusters = 4, .random_state = 0});
//   km.fit(x);
//   std::printf("inertia %g\n", km.inertia());
#pragma once

#include <compss/dislib/array.hpp>
#include <compss/dislib/decomposition.hpp>
#include <compss/dislib/ensemble.hpp>
#include <compss/dislib/kmeans.hpp>
#include <compss/dislib/linear_model.hpp>
#include <compss/dislib/model_selection.hpp>
#include <compss/dislib/neighbors.hpp>
#include <compss/dislib/preprocessing.hpp>
#include <compss/dislib/score.hpp>
#include <compss/dislib/svm.hpp>
