// Versions (`#pragma compss implement`) of member functions and of function templates: a
// call of `Cell::set`, `Cell::read` (a const method) or `twice_square<T>` may run the task
// itself or its GPU version, which runs only where GPUs are declared (a local run with
// COMPSS_GPUS, a worker with COMPSS_WORKER_GPUS): there it marks its result (an odd
// number), elsewhere it poisons it. stdout is the sequential build's (which never runs a
// version); stderr tallies which implementation ran. With VERSIONS_EXPECT_GPU=1 the
// program fails unless every GPU version ran at least once: each phase starts after a
// barrier, with every node free, and the scheduler tries accelerator versions first.
#include <compss/compss.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
/// GPUs declared where this body runs: a worker's, else the master's.
int gpus_here() {
  const char* v = std::getenv(std::getenv("COMPSS_WORKER_NAME") != nullptr ? "COMPSS_WORKER_GPUS"
                                                                            : "COMPSS_GPUS");
  return v == nullptr ? 0 : std::atoi(v);
}

constexpr long poison = -1000000;
}  // namespace

/// 2 * x * x, plus 1 when a GPU version stored it.
struct Cell {
  long v = 0;

#pragma compss task
  void set(int x) { v = 2L * x * x; }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(set)
  void set_gpu(int x) { v = gpus_here() > 0 ? 2L * x * x + 1 : poison; }

  // 2 * v, plus 1 when the GPU version read it.
#pragma compss task
  long read() const { return 2 * v; }

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(Cell::read)
  long read_gpu() const { return gpus_here() > 0 ? 2 * v + 1 : poison; }
};

// 2 * x * x, plus 1 when the GPU version computed it; each instantiation called
// (int, long) runs its own instantiation of twice_square_gpu.
#pragma compss task
template <class T>
T twice_square(T x) {
  return 2 * x * x;
}

#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(twice_square)
template <class T>
T twice_square_gpu(T x) {
  return gpus_here() > 0 ? 2 * x * x + 1 : static_cast<T>(poison);
}

namespace {
/// How many results of one task each implementation gave.
struct Tally {
  const char* task;
  int itself = 0, on_gpu = 0, poisoned = 0;

  /// Adds r (2 * value, plus the GPU mark) and returns the value.
  long add(long r) {
    if (r < 0) {
      ++poisoned;
      return 0;
    }
    (r & 1 ? on_gpu : itself) += 1;
    return r / 2;
  }
};
}  // namespace

int main() {
  constexpr int n = 24;
  std::vector<Cell> cells(n);
  for (int i = 0; i < n; ++i) cells[i].set(i);
  compss::barrier();
  std::vector<compss::Future<long>> reads;
  for (auto& c : cells) reads.push_back(c.read());
  compss::barrier();
  std::vector<compss::Future<int>> ints;
  for (int i = 0; i < n; ++i) ints.push_back(twice_square(i));
  compss::barrier();
  std::vector<compss::Future<long>> longs;
  for (long i = 0; i < n; ++i) longs.push_back(twice_square(i + 1000));

  Tally set{"Cell::set"}, read{"Cell::read"}, as_int{"twice_square<int>"},
      as_long{"twice_square<long>"};
  long sum = 0;
  for (int i = 0; i < n; ++i) {
    long r = compss::wait_on(reads[i]);
    if (r < 0) {
      ++read.poisoned;
      continue;
    }
    (r & 1 ? read.on_gpu : read.itself) += 1;
    sum += r / 4;
    compss::wait_on(cells[i]);
    sum += set.add(cells[i].v);
  }
  std::printf("cells: %ld\n", sum);
  sum = 0;
  for (auto& f : ints) sum += as_int.add(compss::wait_on(f));
  std::printf("ints: %ld\n", sum);
  sum = 0;
  for (auto& f : longs) sum += as_long.add(compss::wait_on(f));
  std::printf("longs: %ld\n", sum);

  int failures = 0;
  for (const Tally* t : {&set, &read, &as_int, &as_long}) {
    std::fprintf(stderr, "%s ran %d times, its GPU version %d times (%d off a GPU node)\n",
                 t->task, t->itself, t->on_gpu, t->poisoned);
    if (t->poisoned != 0) {
      std::fprintf(stderr, "FAIL: a GPU version of %s ran where no GPU is declared\n", t->task);
      ++failures;
    }
#ifdef __COMPSS__
    const char* expect = std::getenv("VERSIONS_EXPECT_GPU");
    bool gpus = expect != nullptr && *expect == '1';
    if (gpus && t->on_gpu == 0) {
      std::fprintf(stderr, "FAIL: the GPU version of %s never ran, though GPUs are declared\n",
                   t->task);
      ++failures;
    } else if (!gpus && t->on_gpu != 0) {
      std::fprintf(stderr, "FAIL: the GPU version of %s ran in a run without GPUs\n", t->task);
      ++failures;
    }
#endif
  }
  return failures == 0 ? 0 : 1;
}
