#include "core/trace_buffer.hpp"

#include <sys/mman.h>

namespace compss::rt {

bool TraceBuffer::next_chunk(std::uint32_t n) noexcept {
  if (grow(n)) return true;
  dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return false;
}

bool TraceBuffer::grow(std::uint32_t n) noexcept {
  if (spent_) return false;
  const std::uint64_t granted = budget_.take(std::max(n, chunk_records));
  if (granted < n) {  // (what was granted, short of one event, stays unused)
    spent_ = true;
    return false;
  }
  // (TraceRecord is trivial: records live in the mapping as they are written.)
  const std::size_t bytes = granted * sizeof(TraceRecord);
  void* mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mapped == MAP_FAILED) return false;
  std::unique_ptr<TraceRecord, Unmap> records(static_cast<TraceRecord*>(mapped), Unmap{bytes});
  try {
    chunks_.reserve(chunks_.size() + 1);
  } catch (...) {
    return false;
  }
  if (!chunks_.empty()) chunks_.back().used_end = next_;
  next_ = records.get();
  free_ = static_cast<std::uint32_t>(granted);
  chunks_.push_back({std::move(records), free_, nullptr});
  return true;
}

void TraceBuffer::Unmap::operator()(TraceRecord* records) const noexcept { ::munmap(records, bytes); }

std::uint64_t TraceBuffer::bytes() const noexcept {
  std::uint64_t records = 0;
  for (const Chunk& c : chunks_) records += c.capacity;
  return records * sizeof(TraceRecord);
}

void TraceBuffer::clear() noexcept {
  chunks_.clear();
  next_ = nullptr;
  free_ = 0;
  dropped_.store(0, std::memory_order_relaxed);  // counted once, by the take() that cleared it
}

}  // namespace compss::rt
