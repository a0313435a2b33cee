// Event times, and the trace's stamps on the task path. An event time is ns of
// std::chrono::steady_clock (CLOCK_MONOTONIC) in the master's process. Where the CPU's time-stamp counter
// is invariant and the kernel times CLOCK_MONOTONIC with it (so it ticks at one rate on
// every CPU, also idle), a stamp is the counter itself, read with one instruction (rdtsc):
// no clock_gettime per event. The trace converts its stamps to ns of steady_clock when the
// run ends, on the line through two (counter, clock) pairs read together: one when the
// recording began, one at its end. Between two pairs read tens of ns apart that line is
// within tens of ns of the clock (as the kernel's own conversion, apart from NTP's slewing
// of CLOCK_MONOTONIC during the run), so the workers' clock offsets, measured against
// steady_clock, still apply. Elsewhere (no such counter) a stamp is event_now() itself.
// docs/traces.md, "Cost and limits".
#pragma once

#include <cstdint>

namespace compss::rt {

/// Event times: nanoseconds of std::chrono::steady_clock in the master's process. A time
/// measured on a worker is converted to it (net/clock_offset.hpp).
using EventTime = std::int64_t;
/// The current event time.
EventTime event_now() noexcept;

/// True when this machine's time-stamp counter can stamp events (x86-64, `constant_tsc`
/// and `nonstop_tsc` in /proc/cpuinfo, and `tsc` the kernel's clocksource, which it picks
/// only when the counters of all CPUs agree). Decided on the first call.
bool tsc_stamps_usable() noexcept;

/// The time-stamp counter (only where tsc_stamps_usable()).
inline std::int64_t read_tsc() noexcept {
#if defined(__x86_64__)
  return static_cast<std::int64_t>(__builtin_ia32_rdtsc());
#else
  return 0;
#endif
}

/// The counter and the clock read together (the pair read closest of a few tries).
struct StampPair {
  std::int64_t tsc = 0;
  EventTime ns = 0;
};
StampPair read_stamp_pair() noexcept;

/// Converts counter stamps to event times on the line through two pairs (`begin` read
/// before every stamp converted, `end` after).
///
/// Thread-safety: immutable once made.
class TscToTime {
 public:
  TscToTime(StampPair begin, StampPair end) noexcept;
  EventTime operator()(std::int64_t tsc) const noexcept;

 private:
  StampPair begin_;
  long double ns_per_tick_ = 0;
};

}  // namespace compss::rt
