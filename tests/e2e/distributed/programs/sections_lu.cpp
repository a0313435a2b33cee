// Blocked LU (no pivoting) over `double*` blocks passed as array sections (SPEC section 2:
// `inout(diag[n])`): each block is one datum of bs*bs elements, the extent an expression
// over a parameter. Blocks are made on workers (`out`), updated there (`inout`), read by
// tasks on other workers (`in`, peer to peer), brought back to the master's array at the
// barrier, rewritten by the program between tasks, synced one at a time with
// wait_on(first element) and all at once with wait_on(the vector). Tasks that pass a
// block's start with another length run on the master and still see (and make) the
// block's latest values.
//
// Every task returns whether it ran on a worker. Under compss-run (COMPSS_WORKERS_EXPECTED
// is set) at least one task must have, and with --master-cores 0 every one: before array
// sections could travel every such task ran on the master, and this program failed here.
// (The counts go to stderr: stdout is compared with the sequential build.)
#include <compss/compss.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

static int on_worker() { return std::getenv("COMPSS_WORKER") != nullptr ? 1 : 0; }

/// Element (gi, gj) of the n x n matrix: diagonally dominant, so LU needs no pivoting.
static double element(int gi, int gj, int n) {
  return gi == gj ? 2.0 * n + 1.0 : 1.0 / (1.0 + (gi * 7 + gj * 3) % 11);
}

#pragma compss task out(blk[bs * bs])
int fill(double* blk, int bi, int bj, int bs, int nb) {
  for (int i = 0; i < bs; ++i) {
    for (int j = 0; j < bs; ++j) blk[i * bs + j] = element(bi * bs + i, bj * bs + j, nb * bs);
  }
  return on_worker();
}

#pragma compss task inout(diag[bs * bs])
int lu0(double* diag, int bs) {
  for (int k = 0; k < bs; ++k) {
    for (int i = k + 1; i < bs; ++i) {
      diag[i * bs + k] /= diag[k * bs + k];
      for (int j = k + 1; j < bs; ++j) diag[i * bs + j] -= diag[i * bs + k] * diag[k * bs + j];
    }
  }
  return on_worker();
}

// Block (k, j) right of the diagonal: col = L^-1 col (L unit lower, from diag).
#pragma compss task in(diag[bs * bs]) inout(col[bs * bs])
int fwd(const double* diag, double* col, int bs) {
  for (int k = 0; k < bs; ++k) {
    for (int i = k + 1; i < bs; ++i) {
      for (int j = 0; j < bs; ++j) col[i * bs + j] -= diag[i * bs + k] * col[k * bs + j];
    }
  }
  return on_worker();
}

// Block (i, k) below the diagonal: row = row U^-1 (U upper, from diag).
#pragma compss task in(diag[bs * bs]) inout(row[bs * bs])
int bdiv(const double* diag, double* row, int bs) {
  for (int i = 0; i < bs; ++i) {
    for (int k = 0; k < bs; ++k) {
      row[i * bs + k] /= diag[k * bs + k];
      for (int j = k + 1; j < bs; ++j) row[i * bs + j] -= row[i * bs + k] * diag[k * bs + j];
    }
  }
  return on_worker();
}

#pragma compss task in(row[bs * bs], col[bs * bs]) inout(inner[bs * bs])
int bmod(const double* row, const double* col, double* inner, int bs) {
  for (int i = 0; i < bs; ++i) {
    for (int j = 0; j < bs; ++j) {
      double s = 0;
      for (int k = 0; k < bs; ++k) s += row[i * bs + k] * col[k * bs + j];
      inner[i * bs + j] -= s;
    }
  }
  return on_worker();
}

#pragma compss task inout(v[n])
void halve(double* v, int n) {
  for (int i = 0; i < n; ++i) v[i] /= 2;
}

// The extent is another parameter.
#pragma compss task in(blk[n])
double total(const double* blk, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += blk[i];
  return s;
}

int main(int argc, char** argv) {
  const int nb = argc > 1 ? std::atoi(argv[1]) : 4;
  const int bs = argc > 2 ? std::atoi(argv[2]) : 8;
  const int n = nb * bs;
  std::vector<double> matrix(static_cast<std::size_t>(n) * n, -1.0);
  auto block = [&](int i, int j) { return matrix.data() + static_cast<std::size_t>(i * nb + j) * bs * bs; };

  std::vector<compss::Future<int>> where;
  for (int i = 0; i < nb; ++i) {
    for (int j = 0; j < nb; ++j) where.emplace_back(fill(block(i, j), i, j, bs, nb));
  }
  for (int k = 0; k < nb; ++k) {
    where.emplace_back(lu0(block(k, k), bs));
    for (int j = k + 1; j < nb; ++j) where.emplace_back(fwd(block(k, k), block(k, j), bs));
    for (int i = k + 1; i < nb; ++i) where.emplace_back(bdiv(block(k, k), block(i, k), bs));
    for (int i = k + 1; i < nb; ++i) {
      for (int j = k + 1; j < nb; ++j) where.emplace_back(bmod(block(i, k), block(k, j), block(i, j), bs));
    }
  }
  // Read by tasks wherever the blocks are.
  std::vector<compss::Future<double>> totals;
  for (int i = 0; i < nb; ++i) {
    for (int j = 0; j < nb; ++j) totals.emplace_back(total(block(i, j), bs * bs));
  }
  double tasks_sum = 0;
  for (auto& t : totals) tasks_sum += compss::wait_on(t);
  std::printf("sum of the blocks, by tasks: %.10e\n", tasks_sum);

#pragma compss barrier
  // The master's array holds every block's latest values.
  double master_sum = 0;
  for (double v : matrix) master_sum += v;
  std::printf("sum of the blocks, by the master: %.10e\n", master_sum);
  double residual = 0;  // max |(L U)(gi, gj) - A(gi, gj)|
  auto at = [&](int gi, int gj) { return block(gi / bs, gj / bs)[(gi % bs) * bs + gj % bs]; };
  for (int gi = 0; gi < n; ++gi) {
    for (int gj = 0; gj < n; ++gj) {
      double s = 0;
      for (int k = 0; k <= std::min(gi, gj); ++k) s += (k == gi ? 1.0 : at(gi, k)) * at(k, gj);
      residual = std::max(residual, std::fabs(s - element(gi, gj, n)));
    }
  }
  std::printf("LU reproduces the matrix: %s\n", residual < 1e-9 ? "yes" : "NO");

  // The program rewrites a block after the barrier: the next task must read the new values.
  for (int e = 0; e < bs * bs; ++e) block(0, 0)[e] = e % (bs + 1) == 0 ? 100.0 + e : 1.0 + e % 7;
  compss::Future<double> rewritten(total(block(0, 0), bs * bs));
  std::printf("rewritten block: %.1f\n", compss::wait_on(rewritten));

  // One section synced on its own: wait_on its first element.
  where.emplace_back(lu0(block(0, 0), bs));
  compss::wait_on(*block(0, 0));
  std::printf("after lu0 of it: %.10e %.10e\n", block(0, 0)[bs + 1], block(0, 0)[bs * bs - 1]);

  // The same start address with other lengths: these tasks run on the master (the
  // block's datum travels with bs*bs elements), the others still see what they wrote.
  halve(block(1, 1), bs * bs / 2);
  compss::Future<double> first_row(total(block(1, 1), bs));
  compss::Future<double> whole(total(block(1, 1), bs * bs));
  std::printf("after halving half a block: first row %.10e, block %.10e\n",
              compss::wait_on(first_row), compss::wait_on(whole));

  // wait_on of the vector brings back every section that starts inside it.
  halve(block(2, 2), bs * bs);
  compss::wait_on(matrix);
  double after = 0;
  for (double v : matrix) after += v;
  std::printf("after wait_on(matrix): %.10e\n", after);

  // A heap array: the wait compss-cc inserts before its use (wait_on of the pointer)
  // brings its values back.
  double* row = new double[bs];
  for (int e = 0; e < bs; ++e) row[e] = e + 1;
  halve(row, bs);
  std::printf("heap row after halve: %.2f %.2f\n", row[0], row[bs - 1]);
  delete[] row;

  int on_workers = 0;
  for (auto& w : where) on_workers += compss::wait_on(w);
  const char* expected = std::getenv("COMPSS_WORKERS_EXPECTED");
  if (expected != nullptr && std::atoi(expected) > 0) {
    const char* master_cores = std::getenv("COMPSS_MASTER_CORES");
    const bool all = master_cores != nullptr && std::string(master_cores) == "0";
    std::fprintf(stderr, "%d of %zu tasks ran on workers\n", on_workers, where.size());
    if (on_workers == 0 || (all && on_workers != static_cast<int>(where.size()))) {
      std::fprintf(stderr, "FAIL: %s task should have run on a worker\n", all ? "every" : "some");
      return 1;
    }
  }
  return 0;
}
