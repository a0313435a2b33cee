// How many elements a producer's RemoteStreamPort may leave unanswered by the master
// (docs/streams.md, "Streams across workers"), adapted to how fast the master answers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace compss::net {

/// A publish window that adapts to the round trip of publish calls: a call answered later
/// than `delay` halves the window (to at least `floor`: 32, or `ceiling` when smaller),
/// once per stall: the other calls already in flight when it was cut do not cut it again
/// (the same stall delayed them). Calls answered within `delay` grow it back linearly with
/// time, from the floor to `ceiling` in `recovery` (250 ms) without a slow answer. Why: a
/// thread on an element's path that gets no CPU for milliseconds (a loaded machine) delays
/// every element in flight at once, and on a loaded machine such stalls come a few times a
/// second: after one, a smaller window exposes fewer elements to the next (a lower p99),
/// at a cost in throughput (docs/performance.md, "An adaptive publish window": about 0.6
/// of a fixed window's at load 13-30). A full stream slows answers too: there a smaller
/// window costs nothing (the consumers limit the rate). On a machine with CPU to spare no
/// answer is slow and the window stays at its ceiling. `delay` 0: it stays at `ceiling`.
///
/// Not thread-safe: its port calls it under the port's mutex. Times are given by the
/// caller (tests use a fake clock).
///
///   PublishWindow w(256, std::chrono::microseconds(1000));
///   std::uint64_t call = w.sent();                       // a publish call leaves at t0
///   w.answered(call, t1 - t0, t1);                       // its answer came at t1
///   if (unanswered <= w.elements()) ...
class PublishWindow {
 public:
  using Time = std::chrono::steady_clock::time_point;
  static constexpr std::size_t default_floor = 32;
  static constexpr std::chrono::milliseconds recovery{250};

  PublishWindow(std::size_t ceiling, std::chrono::microseconds delay) noexcept;

  /// The elements that may be unanswered now.
  std::size_t elements() const noexcept { return static_cast<std::size_t>(elements_); }
  std::size_t ceiling() const noexcept { return ceiling_; }
  /// A publish call left; returns its number, for answered().
  std::uint64_t sent() noexcept { return next_call_++; }
  /// The answer of call `call` came at `now`, `round_trip` after it left.
  void answered(std::uint64_t call, std::chrono::microseconds round_trip, Time now) noexcept;

 private:
  const std::size_t ceiling_, floor_;
  const std::chrono::microseconds delay_;
  double elements_;
  Time last_answer_{};  // (growth is by the time between fast answers)
  std::uint64_t next_call_ = 0;
  std::uint64_t cut_at_ = 0;  // calls numbered below this were in flight at the last cut
};

}  // namespace compss::net
