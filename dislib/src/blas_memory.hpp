// Keeps a task at its process's memory limit from hanging inside OpenBLAS.
//
// OpenBLAS (Debian's 0.3.21) gives every GEMM/GEMV call a work buffer from a process-wide
// table of slots; a slot, once mapped (128 MiB in the DYNAMIC_ARCH build), stays mapped
// for later calls, so a process needs as many slots as it has concurrent BLAS calls. When
// mapping a new slot fails (the process at its RLIMIT_DATA or RLIMIT_AS), OpenBLAS retries
// forever: the task thread spins in its allocator and the task never ends. A
// BlasMemoryGuard, held around a task's BLAS calls, counts the calls in flight; when a
// memory limit is set and more calls are in flight than ever before (OpenBLAS must map
// one more slot), it first checks that a slot's mapping fits (a probe mmap of that size,
// unmapped at once) and throws compss::Error when it does not: the task fails with a clear
// error instead. Without a memory limit it does nothing but count.
//
// Limits (docs/dislib.md, "Limits"): memory another thread takes between the probe and
// OpenBLAS's mapping is not accounted (a narrow window); BLAS calls not made under a guard
// are not counted (they can only map more slots, so the check errs on the safe side).
//
// Guards nest: a guard in a thread that already holds one counts nothing (one thread makes
// one BLAS call at a time).
//
// Thread-safety: any thread; the in-flight count is atomic, the probe serialized by a mutex.
#pragma once

#include <cstddef>

namespace dislib::detail {

// The size OpenBLAS maps per work buffer slot, with a page to spare (BUFFER_SIZE of the
// x86-64 DYNAMIC_ARCH build, plus its FIXED_PAGESIZE).
inline constexpr std::size_t kBlasBufferBytes = (std::size_t{128} << 20) + (std::size_t{64} << 10);

class BlasMemoryGuard {
 public:
  BlasMemoryGuard();  // throws compss::Error when a needed buffer would not fit
  ~BlasMemoryGuard();
  BlasMemoryGuard(const BlasMemoryGuard&) = delete;
  BlasMemoryGuard& operator=(const BlasMemoryGuard&) = delete;

 private:
  bool outermost_;  // this thread's first guard: the one that counts
};

}  // namespace dislib::detail
