// TraceBuffer: one thread's share of a trace (core/trace_records.hpp) as fixed-size
// binary records, written by that thread alone: no lock, no allocation but one chunk per
// 8,192 records, no map. Chunks are drawn from a budget the recorder's buffers share
// (RecordBudget), so memory is bounded by it: past it an event is counted as dropped,
// never stored. Read once the writers stopped (the run ended). docs/traces.md, "Cost and
// limits".
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace compss::rt {

/// One recorded event, or a part of one (an event may take a few consecutive records:
/// core/trace_records.hpp says how each kind uses the fields). Trivial and 32 bytes: copied as is.
struct TraceRecord {
  std::uint8_t kind;
  std::uint8_t small;
  std::uint16_t flag;
  std::uint32_t u32;
  std::uint64_t a;
  std::uint64_t b;
  std::int64_t time;
};
static_assert(sizeof(TraceRecord) == 32);

/// The records the buffers of one recorder may hold together.
///
/// Thread-safety: take() from any thread (one relaxed atomic add).
class RecordBudget {
 public:
  explicit RecordBudget(std::uint64_t max_records) : max_(max_records) {}

  /// Up to `want` records of what is left (fewer at the end; 0 once spent).
  std::uint64_t take(std::uint64_t want) noexcept {
    const std::uint64_t taken = taken_.fetch_add(want, std::memory_order_relaxed);
    return taken >= max_ ? 0 : std::min(want, max_ - taken);
  }

 private:
  const std::uint64_t max_;
  std::atomic<std::uint64_t> taken_{0};
};

/// Thread-safety: reserve(), ensure(), cursor(), cursor_end(), commit() and the writes into
/// what they returned are for the owning thread only, during the run; every other function
/// (and reading) once that thread writes no more (after the run), or under the owner's own
/// synchronisation.
///
///   if (TraceRecord* r = buffer.reserve(1)) *r = TraceRecord{...};
class TraceBuffer {
 public:
  /// Records a chunk holds (256 kB): the budget is asked, and memory mapped, once per chunk.
  static constexpr std::uint32_t chunk_records = 8192;

  explicit TraceBuffer(RecordBudget& budget) : budget_(budget) {}
  TraceBuffer(const TraceBuffer&) = delete;
  TraceBuffer& operator=(const TraceBuffer&) = delete;

  /// `n` consecutive records to fill (one event's), or null when the budget is spent:
  /// the event is then counted as dropped.
  TraceRecord* reserve(std::uint32_t n) noexcept {
    if (free_ < n && !next_chunk(n)) return nullptr;
    TraceRecord* r = next_;
    next_ += n;
    free_ -= n;
    return r;
  }

  /// Makes room for `n` consecutive records ahead of their reserve() calls, so that those
  /// never map a chunk (a caller about to take a lock: TraceRecords::open_submission).
  /// Nothing is counted as dropped here: when the budget cannot give `n` (what it gave
  /// short of that stays unused, as in reserve()), the current chunk's free records are
  /// kept for reserve(), which counts what it refuses.
  void ensure(std::uint32_t n) noexcept {
    if (free_ < n) [[unlikely]] grow(n);
  }

  // A writer of many records in a row (a submission's edges: core/registry.hpp's
  // EdgeSink) fills the current chunk's free records from cursor() to cursor_end() itself,
  // in order, with no reserve() per record, then commit()s how far it wrote before any
  // other record of this buffer is reserved.
  TraceRecord* cursor() const noexcept { return next_; }
  TraceRecord* cursor_end() const noexcept { return next_ + free_; }
  /// The records from cursor() up to `upto` (at most cursor_end()) are written.
  void commit(TraceRecord* upto) noexcept {
    free_ -= static_cast<std::uint32_t>(upto - next_);
    next_ = upto;
  }

  /// Events refused so far (the budget was spent).
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

  /// Bytes of records this buffer holds (used or not).
  std::uint64_t bytes() const noexcept;

  /// Calls `fn(const TraceRecord&)` on every record written, in order.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
      const TraceRecord* end = c + 1 == chunks_.size() ? next_ : chunks_[c].used_end;
      for (const TraceRecord* r = chunks_[c].records.get(); r != end; ++r) fn(*r);
    }
  }

  /// Forgets every record and the count of drops (the memory is given back; the budget
  /// is not).
  void clear() noexcept;

 private:
  /// Records mapped straight from the kernel with their pages present (no malloc, whose
  /// large requests would sweep its free lists; no page fault per 4 kB as they fill).
  struct Unmap {
    std::size_t bytes;
    void operator()(TraceRecord* records) const noexcept;
  };
  struct Chunk {
    std::unique_ptr<TraceRecord, Unmap> records;
    std::uint32_t capacity = 0;
    const TraceRecord* used_end = nullptr;  // set when the next chunk begins
  };
  /// Starts a chunk with room for `n` (the rest of the current one is left unused): false,
  /// and the event counted as dropped, when the budget cannot give `n`.
  bool next_chunk(std::uint32_t n) noexcept;
  /// next_chunk() counting no drop (the current chunk is kept when it fails).
  bool grow(std::uint32_t n) noexcept;

  RecordBudget& budget_;
  std::vector<Chunk> chunks_;
  TraceRecord* next_ = nullptr;  // the next free record of the last chunk
  std::uint32_t free_ = 0;       // records free after next_
  bool spent_ = false;           // the budget said no: it will not say yes again
  std::atomic<std::uint64_t> dropped_{0};  // written by the owner only (relaxed load + store)
};

}  // namespace compss::rt
