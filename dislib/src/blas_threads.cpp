// Stops OpenBLAS's thread pool at load (blas_threads.hpp says why).
#include "blas_threads.hpp"

extern "C" {
void openblas_set_num_threads(int);
// OpenBLAS's pthreads build (Debian's libopenblas0-pthread): joins the pool's threads.
// Weak: absent from the serial and OpenMP builds.
int blas_thread_shutdown_(void) __attribute__((weak));

bool dislib_openblas_pool_stopped = false;
}

namespace {

// Priority 101: before the program's own static initializers (which may limit memory).
__attribute__((constructor(101))) void stop_openblas_pool() {
  openblas_set_num_threads(1);
  if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
  dislib_openblas_pool_stopped = true;
}

}  // namespace
