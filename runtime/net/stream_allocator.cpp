#include "net/stream_allocator.hpp"

#include <cstdlib>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace compss::net {

void keep_freed_memory_for_streams() noexcept {
#if defined(__GLIBC__)
  static std::once_flag once;
  try {
    std::call_once(once, [] {
      for (const char* own : {"GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}) {
        if (std::getenv(own) != nullptr) return;  // the user's choice stands
      }
      mallopt(M_MMAP_THRESHOLD, 32 << 20);
      mallopt(M_TRIM_THRESHOLD, 64 << 20);
    });
  } catch (...) {
    // (call_once may throw system_error: the defaults stay, only slower)
  }
#endif
}

}  // namespace compss::net
