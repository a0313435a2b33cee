// How many elements a producer's RemoteStreamPort may leave unanswered by the master
// (docs/streams.md, "Streams across workers"), adapted to how fast the master answers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace compss::net {

/// A publish window that adapts to the round trip of publish calls: a call answered within
/// `delay` grows the window by an eighth (to at most `ceiling`); one answered later halves
/// it (to at least `floor`: 32, or `ceiling` when smaller), once per stall: the other calls
/// already in flight when it was cut do not cut it again (they were delayed by the same
/// stall). Why: an element waits behind the whole window when a thread on its path gets no
/// CPU for milliseconds (a loaded machine) or the stream is full (consumers slower than the
/// producer): then a small window delays fewer elements, and costs no throughput (the
/// producer is not what limits it). Fast answers mean the producer limits the rate, so the
/// window grows back to the ceiling. `delay` 0: the window stays at `ceiling`.
///
/// Not thread-safe: its port calls it under the port's mutex. Times are given by the
/// caller (tests use a fake clock).
///
///   PublishWindow w(256, std::chrono::microseconds(1000));
///   std::uint64_t call = w.sent();                      // a publish call leaves
///   w.answered(call, answered_at - sent_at);            // its answer came
///   if (unanswered <= w.elements()) ...
class PublishWindow {
 public:
  static constexpr std::size_t default_floor = 32;

  PublishWindow(std::size_t ceiling, std::chrono::microseconds delay) noexcept;

  /// The elements that may be unanswered now.
  std::size_t elements() const noexcept { return elements_; }
  std::size_t ceiling() const noexcept { return ceiling_; }
  /// A publish call left; returns its number, for answered().
  std::uint64_t sent() noexcept { return next_call_++; }
  /// The answer of call `call` came `round_trip` after it left.
  void answered(std::uint64_t call, std::chrono::microseconds round_trip) noexcept;

 private:
  const std::size_t ceiling_, floor_;
  const std::chrono::microseconds delay_;
  std::size_t elements_;
  std::uint64_t next_call_ = 0;
  std::uint64_t cut_at_ = 0;  // calls numbered below this were in flight at the last cut
};

}  // namespace compss::net
