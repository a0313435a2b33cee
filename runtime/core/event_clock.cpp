#include "core/event_clock.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <time.h>

namespace compss::rt {

EventTime event_now() noexcept {
  // steady_clock's own clock (libstdc++ reads CLOCK_MONOTONIC: times agree with the
  // steady_clock::now() of net/ and of workers), read with no library layer per event.
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<EventTime>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

namespace {
bool decide_tsc() noexcept {
#if defined(__x86_64__)
  try {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    bool constant = false, nonstop = false;
    while (std::getline(cpuinfo, line)) {
      if (!line.starts_with("flags")) continue;
      std::istringstream flags(line);
      std::string flag;
      while (flags >> flag) {
        constant |= flag == "constant_tsc";
        nonstop |= flag == "nonstop_tsc";
      }
      break;  // (every CPU says the same)
    }
    std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string clocksource;
    source >> clocksource;
    return constant && nonstop && clocksource == "tsc";
  } catch (...) {
    return false;
  }
#else
  return false;
#endif
}
}  // namespace

bool tsc_stamps_usable() noexcept {
  static const bool usable = decide_tsc();
  return usable;
}

StampPair read_stamp_pair() noexcept {
  // The counter read between two clock reads: the tightest of a few gives the pair
  // (its error: half that gap, tens of ns).
  StampPair best;
  EventTime best_gap = std::numeric_limits<EventTime>::max();
  for (int i = 0; i < 5; ++i) {
    const EventTime before = event_now();
    const std::int64_t tsc = read_tsc();
    const EventTime after = event_now();
    if (after - before < best_gap) {
      best_gap = after - before;
      best = {tsc, before + (after - before) / 2};
    }
  }
  return best;
}

TscToTime::TscToTime(StampPair begin, StampPair end) noexcept : begin_(begin) {
  // (Pairs too close to tell a rate, as a run of no time: the nominal 1 ns per tick is
  // wrong by the CPU's GHz, but over less than 1 µs.)
  if (end.tsc - begin.tsc >= 1000 && end.ns > begin.ns) {
    ns_per_tick_ = static_cast<long double>(end.ns - begin.ns) / static_cast<long double>(end.tsc - begin.tsc);
  } else {
    ns_per_tick_ = 1;
  }
}

EventTime TscToTime::operator()(std::int64_t tsc) const noexcept {
  return begin_.ns + static_cast<EventTime>(std::llround(static_cast<long double>(tsc - begin_.tsc) * ns_per_tick_));
}

}  // namespace compss::rt
