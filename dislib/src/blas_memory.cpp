// BlasMemoryGuard (blas_memory.hpp): counts BLAS calls in flight, probes for one more
// OpenBLAS buffer slot when a memory limit is set and the count passes its highest.
#include "blas_memory.hpp"

#include <compss/error.hpp>

#include <sys/mman.h>
#include <sys/resource.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

namespace dislib::detail {

namespace {

std::atomic<std::size_t> in_flight{0};
std::mutex probe_mutex;
std::size_t slots_known = 0;  // the most calls in flight that had their slot; probe_mutex
thread_local int guards_held = 0;  // this thread's nested guards

bool memory_limited(rlimit& limit, const char*& which) {
  if (getrlimit(RLIMIT_DATA, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    which = "RLIMIT_DATA";
    return true;
  }
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    which = "RLIMIT_AS";
    return true;
  }
  return false;
}

// Maps and unmaps a private writable region of one slot's size: it counts against the
// limits exactly as OpenBLAS's own mapping will.
void require_room_for_one_slot(std::size_t slots, const rlimit& limit, const char* which) {
  void* p = mmap(nullptr, kBlasBufferBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p != MAP_FAILED) {
    munmap(p, kBlasBufferBytes);
    return;
  }
  const int error = errno;
  throw compss::Error(
      "dislib: this process is at its memory limit (" + std::string(which) + " " +
      std::to_string(limit.rlim_cur >> 20) + " MiB): OpenBLAS needs another " +
      std::to_string(kBlasBufferBytes >> 20) + " MiB work buffer (BLAS calls in flight: " +
      std::to_string(slots) + ") and cannot map it (" + std::strerror(error) +
      "; OpenBLAS would retry forever). Give the process more memory, fewer cores, or a "
      "smaller data memory budget (COMPSS_WORKER_DATA_MEMORY).");
}

}  // namespace

BlasMemoryGuard::BlasMemoryGuard() : outermost_(guards_held == 0) {
  if (!outermost_) {
    ++guards_held;
    return;
  }
  const std::size_t slots = in_flight.fetch_add(1) + 1;
  rlimit limit{};
  const char* which = nullptr;
  if (memory_limited(limit, which)) {
    std::lock_guard lock(probe_mutex);
    if (slots > slots_known) {
      try {
        require_room_for_one_slot(slots, limit, which);
      } catch (...) {
        in_flight.fetch_sub(1);
        throw;
      }
      slots_known = slots;
    }
  }
  ++guards_held;
}

BlasMemoryGuard::~BlasMemoryGuard() {
  --guards_held;
  if (outermost_) in_flight.fetch_sub(1);
}

}  // namespace dislib::detail
