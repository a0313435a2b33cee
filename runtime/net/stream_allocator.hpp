// How a process that moves stream elements asks the C allocator to keep freed memory.
#pragma once

namespace compss::net {

/// Makes glibc's malloc keep freed memory for reuse rather than give it back to the
/// system at once: blocks up to 32 MiB come from its heaps (not one mmap each) and up to
/// 64 MiB free at a heap's top stays mapped. Called once a process opens a stream port on
/// a worker. Why: a stream of 1 MiB elements allocates and frees a few buffers of 1 MiB
/// per element (encode, receive, decode); with the default (dynamic) thresholds each
/// came from fresh pages, and the page faults that zero them were a quarter of the
/// worker's CPU time (perf, docs/performance.md "Streams"). A process whose environment
/// sets malloc's own tunables (GLIBC_TUNABLES, MALLOC_MMAP_THRESHOLD_,
/// MALLOC_TRIM_THRESHOLD_) keeps them. Idempotent and thread-safe; nothing elsewhere
/// than glibc.
void keep_freed_memory_for_streams() noexcept;

}  // namespace compss::net
