#include "net/clock_offset.hpp"

#include <algorithm>

namespace compss::net {

void ClockOffset::add(std::int64_t sent, std::int64_t first, std::int64_t last,
                      std::int64_t answered) {
  const std::int64_t low = sent - first;
  const std::int64_t high = answered - last;
  if (high < low) return;  // not a consistent call (times out of order): learn nothing
  std::lock_guard lock(mutex_);
  if (any_ && std::max(low, low_) <= std::min(high, high_)) {
    low_ = std::max(low, low_);
    high_ = std::min(high, high_);
  } else {  // the first call, or the clocks drifted: start again from this one
    low_ = low;
    high_ = high;
    any_ = true;
  }
}

std::int64_t ClockOffset::estimate() const {
  std::lock_guard lock(mutex_);
  return any_ ? low_ + (high_ - low_) / 2 : 0;
}

std::int64_t ClockOffset::error_bound() const {
  std::lock_guard lock(mutex_);
  return any_ ? (high_ - low_ + 1) / 2 : 0;
}

std::int64_t ClockOffset::to_master(std::int64_t t, std::int64_t sent, std::int64_t answered) const {
  return std::clamp(t + estimate(), sent, std::max(sent, answered));
}

}  // namespace compss::net
