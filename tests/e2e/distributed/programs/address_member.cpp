// Classes holding pointers into the master's memory, passed to tasks by value. They are
// trivially copyable, so C++ alone would send them as their bytes and a worker would follow
// the master's address. Regression test (issue 10, item 3): workers crashed (SIGSEGV) or,
// where the address was mapped, read garbage and the run printed a wrong result with exit
// code 0. compss-cc now sees the pointer members (-Wcompss-serializable warns) and marks
// these tasks master-only in their TaskSpec: the run gives the sequential build's answer.
#include <compss/compss.hpp>

#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
constexpr std::size_t kCount = 4096;
constexpr std::size_t kWindow = 512;

// Every process of the run (master and workers) maps this table at one fixed address: on a
// worker the master's pointer into it is valid and reads that worker's zeros. The silent
// wrong answer the bug gave when a heap address happened to be mapped, made certain.
double* const table = [] {
  // (High memory under ASan too: its shadow covers 0x02008fff7000-0x10007fff7fff.)
  void* at = reinterpret_cast<void*>(std::uintptr_t{0x200000000000});
  void* p = mmap(at, kCount * sizeof(double), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != at) {
    std::perror("address_member: mmap at a fixed address");
    std::exit(2);
  }
  return static_cast<double*>(p);
}();
}  // namespace

struct Window {  // trivially copyable; its bytes are an address and a length
  const double* data;
  std::size_t size;
};

struct Strided {  // the pointer one member class down
  Window window;
  std::size_t stride;
};

#pragma compss task
double window_sum(Window w) {
  double sum = 0;
  for (std::size_t i = 0; i < w.size; ++i) sum += w.data[i];
  return sum;
}

#pragma compss task inout(total)
void add_strided(Strided s, double& total) {
  for (std::size_t i = 0; i < s.window.size; i += s.stride) total += s.window.data[i];
}

int main() {
  for (std::size_t i = 0; i < kCount; ++i) table[i] = 0.25 * static_cast<double>(i);
  for (std::size_t c = 0; c < kCount / kWindow; ++c) {
    double sum = window_sum(Window{table + c * kWindow, kWindow});
    std::printf("window %zu: %.2f\n", c, sum);
  }
  // Heap memory: on a worker the address is most likely unmapped (a crash).
  std::vector<double> heap(kCount);
  for (std::size_t i = 0; i < kCount; ++i) heap[i] = static_cast<double>(i % 7);
  double strided = 0;
  for (std::size_t c = 0; c < kCount / kWindow; ++c)
    add_strided(Strided{Window{heap.data() + c * kWindow, kWindow}, 3}, strided);
  std::printf("strided: %.2f\n", strided);
  return 0;
}
