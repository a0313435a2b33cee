// matmul: blocked matrix multiplication C = A * B.
//
// The matrices are N x N blocks of M x M doubles. One task fills each block of A and B,
// and one task multiply_accumulate(A[i][k], B[k][j], C[i][j]) runs per (i, j, k). The
// tasks that update the same C block are serialized by its `inout` and run in the order
// they were called (k = 0, 1, ...), so the result is bit-identical to the sequential run;
// the N*N chains of different C blocks run in parallel.
//
// usage: matmul [N] [M]      (defaults: N = 6 blocks per side, M = 256 doubles per side)
// stdout: sizes and checksums (identical sequential and parallel); stderr: elapsed time.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <vector>

// One M x M block, row-major. A struct rather than a bare std::vector<double>, so that
// `wait_on` on a std::vector<Block> waits for each block as a whole. serialize() lets the
// runtime send a block to another node (COMPSs archives are called like cereal's).
struct Block {
  std::size_t m = 0;
  std::vector<double> data;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(m, data);
  }
};

// Deterministic contents for block (bi, bj) of a matrix: not exact in binary, so the
// checksum also depends on the order of the accumulations.
#pragma compss task out(b)
void fill_block(Block& b, int bi, int bj, int m, int seed) {
  b.m = static_cast<std::size_t>(m);
  b.data.resize(b.m * b.m);
  for (std::size_t r = 0; r < b.m; ++r) {
    for (std::size_t c = 0; c < b.m; ++c) {
      const std::size_t gr = static_cast<std::size_t>(bi) * b.m + r;
      const std::size_t gc = static_cast<std::size_t>(bj) * b.m + c;
      b.data[r * b.m + c] = static_cast<double>((gr * 31 + gc * 17 + seed) % 23) / 7.0 - 1.5;
    }
  }
}

#pragma compss task out(b)
void zero_block(Block& b, int m) {
  b.m = static_cast<std::size_t>(m);
  b.data.assign(b.m * b.m, 0.0);
}

// c += a * b
#pragma compss task in(a, b) inout(c)
void multiply_accumulate(const Block& a, const Block& b, Block& c) {
  const std::size_t m = c.m;
  for (std::size_t i = 0; i < m; ++i) {
    double* ci = &c.data[i * m];
    for (std::size_t k = 0; k < m; ++k) {
      const double aik = a.data[i * m + k];
      const double* bk = &b.data[k * m];
      for (std::size_t j = 0; j < m; ++j) ci[j] += aik * bk[j];
    }
  }
}

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 6;
  const int m = argc > 2 ? std::atoi(argv[2]) : 256;
  if (n <= 0 || m <= 0) {
    std::fprintf(stderr, "usage: %s [N blocks per side > 0] [M doubles per block side > 0]\n",
                 argv[0]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();

  const std::size_t nb = static_cast<std::size_t>(n) * n;
  std::vector<Block> a(nb), b(nb), c(nb);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      fill_block(a[i * n + j], i, j, m, 1);
      fill_block(b[i * n + j], i, j, m, 7);
      zero_block(c[i * n + j], m);
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        multiply_accumulate(a[i * n + k], b[k * n + j], c[i * n + j]);

#pragma compss wait_on(c)
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Checksums in a fixed order: identical bits in every build.
  double sum = 0.0, weighted = 0.0;
  for (std::size_t blk = 0; blk < nb; ++blk) {
    for (std::size_t e = 0; e < c[blk].data.size(); ++e) {
      sum += c[blk].data[e];
      weighted += c[blk].data[e] * static_cast<double>((blk + e) % 7 + 1);
    }
  }
  std::printf("matmul: %d x %d blocks of %d x %d doubles, %d tasks\n", n, n, m, m,
              n * n * n + 3 * n * n);
  std::printf("C[0][0] = %.17g\n", c[0].data[0]);
  std::printf("checksum = %.17g\n", sum);
  std::printf("weighted checksum = %.17g (%a)\n", weighted, weighted);
  std::fprintf(stderr, "elapsed: %.3f s\n", seconds);
  return 0;
}
