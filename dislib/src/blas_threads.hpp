// OpenBLAS runs on the calling thread only: dislib's parallelism is its tasks'.
//
// At load OpenBLAS starts a pool of threads (one per core when OPENBLAS_NUM_THREADS is
// unset), each of which maps its own 128 MiB work buffer when it first runs. dislib sets
// OpenBLAS to one thread (cores x cores threads otherwise) and also stops that pool,
// joining its threads, before the program's static initializers and main run (a
// constructor of priority 101). Why stop it rather than leave it idle: a process that
// limits its own memory (setrlimit(RLIMIT_DATA) in a worker's static initializer, as
// dislib's memory-limit test and bench_kmeans do) may do so before a pool thread has
// mapped its buffer; that thread then retries the mapping forever (OpenBLAS 0.3.21) and
// the process hangs at exit, joining it. Without a pool there is nothing to join, and a
// process keeps 128 MiB of mapped memory less per extra core. A later
// openblas_set_num_threads(n > 1) starts the pool again (bench_kmeans does for its dgemm
// reference). OpenBLAS builds without the pool (serial, OpenMP) lack
// blas_thread_shutdown_: there only the thread count is set.
//
// The static library links this file into every program that links dislib (a linker
// --undefined of dislib_openblas_pool_stopped, dislib/CMakeLists.txt): nothing calls it.
//
// Thread-safety: runs once, at load, before the program's threads.
#pragma once

extern "C" {
/// True once OpenBLAS was set to one thread and its pool stopped (after load: always).
extern bool dislib_openblas_pool_stopped;
}
