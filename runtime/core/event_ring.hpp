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
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace compss::rt {

/// Thread-safety: append() from any thread at once (no lock: one fetch_add on the tail);
/// consume() by one thread at a time (its caller's lock). A producer that finds the ring
/// full calls the `make_room` it was given once (the consumer's work, bounded: at most
/// room_records() records, when it can take the consumer's lock without waiting), then
/// sleeps until a consumer frees room: memory stays bounded, nothing is dropped, and a
/// full ring costs its producers no CPU. Lock order: `room_mutex_` is a leaf.
///
///   EventRing ring(1 << 16);
///   ring.append(2, [](TraceRecord* r, std::uint32_t i) { r->a = i; }, [&] { try_drain(); });
///   ring.consume([](const TraceRecord* event, std::uint32_t n) noexcept { ... }, /*wait=*/false);
class EventRing {
 public:
  /// `capacity`: records the ring holds, a power of two (at least 2).
  explicit EventRing(std::uint32_t capacity);
  EventRing(const EventRing&) = delete;
  EventRing& operator=(const EventRing&) = delete;

  std::uint32_t capacity() const noexcept { return mask_ + 1; }
  /// The most a producer's make_room should take out (consume's `max_records`): an eighth.
  std::uint32_t room_records() const noexcept { return capacity() / 8 > 0 ? capacity() / 8 : 1; }
  /// A sleeping producer looks again this often even when no consumer woke it (a
  /// consumer that stopped at an event being written frees its room only at its next
  /// turn; the ring's owner drains at least this often, or the producer's make_room does).
  static constexpr std::chrono::milliseconds recheck{10};

  /// Appends one event of `n` consecutive records (1 <= n <= capacity() / 2), each filled
  /// by `fill(record, index)`, in index order; while the ring is full, `make_room()` is called and the
  /// producer sleeps (append_when_room).
  template <class Fill, class MakeRoom>
  void append(std::uint32_t n, Fill&& fill, MakeRoom&& make_room) {
    const std::uint64_t pos = tail_.fetch_add(n, std::memory_order_relaxed);
    if (pos + n > head_.load(std::memory_order_acquire) + capacity()) [[unlikely]] {
      append_when_room(pos, n, fill, make_room);
      return;
    }
    write(pos, n, fill);
  }

  /// Calls `on_event(records, n)` for each event appended, in position order: the records
  /// are read in place (copied only when an event wraps round the ring's end), so the
  /// producers get the room back after on_event returns (`on_event` must not throw). Stops
  /// at the first event reserved but not written yet, unless `wait`: then it waits for
  /// those reserved before the call (yielding) and returns when it has taken them all.
  /// Takes at most `max_records` records (or the first event, if longer). Returns the
  /// events taken. The room taken is given back (head_) every room_records() records and
  /// at the end, waking producers sleeping for it: not per event (a fence each).
  template <class Fn>
  std::uint64_t consume(Fn&& on_event, bool wait, std::uint64_t max_records = ~std::uint64_t{0}) {
    // (a throw out of on_event would skip give_back: the room taken never given back)
    static_assert(std::is_nothrow_invocable_v<Fn&, const TraceRecord*, std::uint32_t>,
                  "EventRing::consume: on_event must be noexcept");
    const std::uint64_t until = wait ? tail_.load(std::memory_order_acquire) : ~std::uint64_t{0};
    const std::uint64_t start = head_.load(std::memory_order_relaxed);
    std::uint64_t head = start, events = 0, given = start;
    auto give_back = [&] {
      if (head == given) return;
      head_.store(head, std::memory_order_seq_cst);
      given = head;
      wake_sleepers();
    };
    while (head < until) {
      const std::size_t at = static_cast<std::size_t>(head & mask_);
      if (seqs_[at].load(std::memory_order_acquire) != head + 1) {
        if (!wait) break;
        give_back();  // (the event's producer may sleep for the room taken so far)
        std::this_thread::yield();
        continue;
      }
      const std::uint32_t n = lengths_[at];
      if (head != start && head + n - start > max_records) break;
      const TraceRecord* records = &records_[at];
      if (at + n > capacity()) [[unlikely]] {  // (wraps: the two parts copied out, in order)
        const TraceRecord* all = records_.get();
        scratch_.assign(records, all + capacity());
        scratch_.insert(scratch_.end(), all, all + (at + n - capacity()));
        records = scratch_.data();
      }
      on_event(records, n);
      head += n;
      ++events;
      if (head - given >= room_records()) give_back();  // (a long drain gives room back as it goes)
    }
    give_back();
    return events;
  }

  /// Producers sleeping for room now (tests).
  int sleeping() const noexcept { return sleepers_.load(); }

 private:
  template <class Fill>
  void write(std::uint64_t pos, std::uint32_t n, Fill& fill) {
    const std::size_t at = static_cast<std::size_t>(pos & mask_);
    for (std::uint32_t i = 0; i < n; ++i) fill(&records_[(at + i) & mask_], i);
    lengths_[at] = n;
    // The event's first slot published last (it alone: the consumer reads no other's
    // sequence), so a consumer that sees it sees all of the event's records.
    seqs_[at].store(pos + 1, std::memory_order_release);
  }
  /// The full ring's way through append (out of line: the task path stays a few stores).
  /// Once written, a producer that waited takes its part again while others sleep: a
  /// consumer may have stopped at its event (no fast-path producer wakes anyone).
  template <class Fill, class MakeRoom>
  [[gnu::noinline]] void append_when_room(std::uint64_t pos, std::uint32_t n, Fill& fill, MakeRoom& make_room) {
    const std::uint64_t end = pos + n;
    while (end > head_.load(std::memory_order_acquire) + capacity()) {
      make_room();
      std::unique_lock lock(room_mutex_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      // (seq_cst with the consumer's store of head_ then load of sleepers_: either it sees
      // this sleeper and wakes it under room_mutex_, or this sees its head.)
      room_.wait_for(lock, recheck, [&] { return end <= head_.load(std::memory_order_seq_cst) + capacity(); });
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }
    write(pos, n, fill);
    if (sleepers_.load(std::memory_order_seq_cst) != 0) make_room();
  }
  void wake_sleepers() noexcept {
    if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
    { std::lock_guard lock(room_mutex_); }  // (a sleeper between its check and its wait gets the notify)
    room_.notify_all();
  }

  const std::uint64_t mask_;
  // Per slot (three arrays: an event's records contiguous, read in place):
  std::unique_ptr<TraceRecord[]> records_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> seqs_;  // an event's first: its position + 1 once written
  std::unique_ptr<std::uint32_t[]> lengths_;            // an event's first: its records
  std::vector<TraceRecord> scratch_;  // the event being handed out (consumer's)
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // next position to reserve
  alignas(64) std::atomic<std::uint64_t> head_{0};  // first position not consumed
  alignas(64) std::atomic<int> sleepers_{0};         // producers asleep in append_when_room
  std::mutex room_mutex_;                            // (a leaf) for room_
  std::condition_variable room_;                     // a consumer freed room
};

}  // namespace compss::rt
