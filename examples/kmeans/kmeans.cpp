// kmeans: the dislib quickstart. Makes (or loads) a data set as a dislib::Array, fits
// K-means and prints the inertia; the time goes to stderr.
//
// usage: kmeans [n_samples] [n_features] [n_clusters] [block_rows] [data.csv]
//   (defaults 20000 samples x 10 features, 8 clusters, blocks of 2500 rows; with a CSV
//   file the data is loaded from it and n_samples/n_features are ignored)
// stdout: sizes, inertia and iterations (identical in the sequential and parallel builds,
// since the partial sums are combined in the same fixed tree); stderr: elapsed times.
#include <compss/compss.hpp>
#include <compss/dislib.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  const std::size_t d = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 10;
  const std::size_t k = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 8;
  const std::size_t block_rows = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 2500;
  if (n == 0 || d == 0 || k == 0 || block_rows == 0) {
    std::fprintf(stderr, "usage: %s [n_samples] [n_features] [n_clusters] [block_rows] [data.csv]\n",
                 argv[0]);
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    // The data: uniform random values (one task per block), or a CSV file read on the master.
    const dislib::Array x = argc > 5 ? dislib::load_txt_file(argv[5], {block_rows, 1000000})
                                     : dislib::random_array({n, d}, {block_rows, d}, 1);
    dislib::KMeans km({.n_clusters = k, .init = "k-means++", .max_iter = 10, .tol = 1e-4,
                       .random_state = 0});
    const auto fit_start = std::chrono::steady_clock::now();
    km.fit(x);
    const auto end = std::chrono::steady_clock::now();
    std::printf("kmeans: %zu samples x %zu features in %zu x %zu blocks, %zu clusters\n",
                x.rows(), x.cols(), x.n_blocks().rows, x.n_blocks().cols, k);
    std::printf("inertia = %.17g\n", km.inertia());
    std::printf("iterations = %zu\n", km.n_iter());
    std::printf("first centre = (%.6f, ...)\n", km.cluster_centers()[0][0]);
    std::fprintf(stderr, "fit: %.3f s (data and fit: %.3f s)\n",
                 std::chrono::duration<double>(end - fit_start).count(),
                 std::chrono::duration<double>(end - start).count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kmeans: %s\n", e.what());
    return 1;
  }
  return 0;
}
