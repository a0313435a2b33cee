// EventRing: a bounded ring of fixed-size binary records (TraceRecord, 32 bytes) that any
// thread appends task events to without a lock, and one consumer at a time takes out in
// the order they were appended. The graph, the summary and the monitor's timeline take
// their events from it off the task path (observe/observer_group.hpp): a task event costs
// one atomic add and a few stores instead of their work under a lock.
// docs/performance.md, "The monitor's per-task cost".
//
// Why one ring and not a buffer per thread: the consumers need each task's events in
// order (submitted before started before ended) although different threads tell them.
// Positions come from one atomic counter, so an event that happened before another (in
// the C++ sense: the runtime tells them in order) has the lower position, and taking them
// in position order keeps every task's order without timestamps or sorting.
#pragma once

#include "core/trace_buffer.hpp"  // TraceRecord

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace compss::rt::observe {

/// Thread-safety: append() from any thread at once (no lock: one fetch_add on the tail);
/// consume() by one thread at a time (its caller's lock). A producer that finds the ring
/// full calls the `make_room` it was given (the consumer's work when it can take the
/// consumer's lock without waiting) until the consumer freed enough: memory stays bounded
/// and nothing is dropped.
///
///   EventRing ring(1 << 16);
///   ring.append(2, [](TraceRecord* r, std::uint32_t i) { r->a = i; }, [&] { try_drain(); });
///   ring.consume([](const TraceRecord* event, std::uint32_t n) { ... }, /*wait=*/false);
class EventRing {
 public:
  /// `capacity`: records the ring holds, a power of two (at least 2).
  explicit EventRing(std::uint32_t capacity);
  EventRing(const EventRing&) = delete;
  EventRing& operator=(const EventRing&) = delete;

  std::uint32_t capacity() const noexcept { return mask_ + 1; }

  /// Appends one event of `n` consecutive records (1 <= n <= capacity() / 2), each filled
  /// by `fill(record, index)`; `make_room()` is called while the ring is full.
  template <class Fill, class MakeRoom>
  void append(std::uint32_t n, Fill&& fill, MakeRoom&& make_room) {
    const std::uint64_t pos = tail_.fetch_add(n, std::memory_order_relaxed);
    while (pos + n > head_.load(std::memory_order_acquire) + capacity()) {
      make_room();
      std::this_thread::yield();
    }
    for (std::uint32_t i = 0; i < n; ++i) fill(&slots_[(pos + i) & mask_].record, i);
    slots_[pos & mask_].length = n;
    // The event's first slot published last: a consumer that sees it sees all of them.
    for (std::uint32_t i = n; i-- > 0;) slots_[(pos + i) & mask_].seq.store(pos + i + 1, std::memory_order_release);
  }

  /// Calls `on_event(records, n)` for each event appended, in position order (the records
  /// copied out first, so producers may reuse their slots while they are handled). Stops at the first
  /// event reserved but not written yet, unless `wait`: then it waits for those reserved
  /// before the call (yielding) and returns when it has taken them all. Returns the
  /// number of events taken.
  template <class Fn>
  std::uint64_t consume(Fn&& on_event, bool wait) {
    const std::uint64_t until = wait ? tail_.load(std::memory_order_acquire) : ~std::uint64_t{0};
    std::uint64_t head = head_.load(std::memory_order_relaxed), events = 0;
    while (head < until) {
      Slot& first = slots_[head & mask_];
      if (first.seq.load(std::memory_order_acquire) != head + 1) {
        if (!wait) break;
        std::this_thread::yield();
        continue;
      }
      const std::uint32_t n = first.length;
      scratch_.clear();
      for (std::uint32_t i = 0; i < n; ++i) scratch_.push_back(slots_[(head + i) & mask_].record);
      head += n;
      // (the slots are copied out: producers may refill them from now on)
      head_.store(head, std::memory_order_release);
      on_event(static_cast<const TraceRecord*>(scratch_.data()), n);
      ++events;
    }
    return events;
  }

 private:
  struct Slot {
    std::atomic<std::uint64_t> seq{0};  // position + 1 once written (0: never)
    std::uint32_t length = 0;           // in an event's first slot: its records
    TraceRecord record{};
  };

  const std::uint64_t mask_;
  std::unique_ptr<Slot[]> slots_;
  std::vector<TraceRecord> scratch_;  // the event being handed out (consumer's)
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // next position to reserve
  alignas(64) std::atomic<std::uint64_t> head_{0};  // first position not consumed
};

}  // namespace compss::rt::observe
