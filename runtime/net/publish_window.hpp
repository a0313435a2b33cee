// How many elements a producer's RemoteStreamPort may leave unanswered by the master
// (docs/streams.md, "Streams across workers"), adapted to how fast the master answers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace compss::net {

/// A publish window that adapts to the round trip of publish calls: a call answered later
/// than the recent minimum round trip (the least of the last 1 to 2 s: the network's and
/// the master's own share, followed when a route changes) plus `delay` halves the window
/// (to at least `floor`: 32, or `ceiling` when smaller), once per stall: the other calls
/// already in flight when it was cut do not cut it again (the same stall delayed them).
/// Calls answered sooner grow it back linearly with time, from the floor to `ceiling` in
/// `recovery` (250 ms) without a slow answer. Why: a thread on an element's path that gets
/// no CPU for milliseconds (a loaded machine) delays every element in flight at once, and
/// on a loaded machine such stalls come a few times a second: after one, a smaller window
/// exposes fewer elements to the next (a lower p99), at a cost in throughput
/// (docs/performance.md, "An adaptive publish window"). Measuring against the minimum,
/// not against `delay` alone, keeps a long network round trip, or a stream that stays
/// full (every answer waits for a consumer), from pinning the window at its floor. On a
/// machine with CPU to spare no answer is slow and the window stays at its ceiling.
/// `delay` 0: it stays at `ceiling`.
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
  /// The minimum round trip is that of the calls answered in the last 1 to 2 such spans.
  static constexpr std::chrono::milliseconds minimum_span{1000};

  /// `first_call`: the number of the first call sent() returns; calls numbered below it
  /// (sent through a window this one replaces) never cut it.
  PublishWindow(std::size_t ceiling, std::chrono::microseconds delay,
                std::uint64_t first_call = 0) noexcept;

  /// The elements that may be unanswered now (exactly `ceiling` until a cut, any value).
  std::size_t elements() const noexcept;
  std::size_t ceiling() const noexcept { return ceiling_; }
  /// Whether answers change it (a delay, and a floor below the ceiling): if not, callers
  /// need not time their calls.
  bool adapts() const noexcept { return delay_.count() > 0 && floor_ < ceiling_; }
  /// A publish call left; returns its number, for answered().
  std::uint64_t sent() noexcept { return next_call_++; }
  /// The number the next sent() returns.
  std::uint64_t next_call() const noexcept { return next_call_; }
  /// The answer of call `call` came at `now`, `round_trip` after it left. True: it cut
  /// the window.
  bool answered(std::uint64_t call, std::chrono::microseconds round_trip, Time now) noexcept;

 private:
  std::chrono::microseconds minimum(Time now) const noexcept;  // max(): none recent
  void note_round_trip(std::chrono::microseconds round_trip, Time now) noexcept;

  const std::size_t ceiling_, floor_;
  const std::chrono::microseconds delay_;
  double elements_;     // (below the ceiling only after a cut: see elements())
  Time last_answer_{};  // (growth is by the time between fast answers)
  std::uint64_t next_call_;
  std::uint64_t cut_at_;  // calls numbered below this were in flight at the last cut
  // The least round trip since `minimum_since_`, and in the span before it.
  std::chrono::microseconds minimum_ = std::chrono::microseconds::max();
  std::chrono::microseconds previous_minimum_ = std::chrono::microseconds::max();
  Time minimum_since_{};
};

}  // namespace compss::net
