#include "net/publish_window.hpp"

#include <algorithm>
#include <utility>

namespace compss::net {

using std::chrono::microseconds;

PublishWindow::PublishWindow(std::size_t ceiling, microseconds delay,
                             std::uint64_t first_call) noexcept
    : ceiling_(ceiling),
      floor_(std::min(ceiling, default_floor)),
      delay_(delay),
      elements_(static_cast<double>(ceiling)),
      next_call_(first_call),
      cut_at_(first_call) {}

std::size_t PublishWindow::elements() const noexcept {
  // (A ceiling near SIZE_MAX does not fit a double's conversion back: the ceiling is given
  // as it is, and below it the double is below 2^64.)
  const double ceiling = static_cast<double>(ceiling_);
  return elements_ >= ceiling ? ceiling_ : static_cast<std::size_t>(elements_);
}

microseconds PublishWindow::minimum(Time now) const noexcept {
  if (minimum_since_ == Time{} || now - minimum_since_ >= 2 * minimum_span) return microseconds::max();
  if (now - minimum_since_ >= minimum_span) return minimum_;  // (the previous span is over)
  return std::min(minimum_, previous_minimum_);
}

void PublishWindow::note_round_trip(microseconds round_trip, Time now) noexcept {
  if (minimum_since_ == Time{} || now - minimum_since_ >= 2 * minimum_span) {
    previous_minimum_ = microseconds::max();
    minimum_ = round_trip;
    minimum_since_ = now;
  } else if (now - minimum_since_ >= minimum_span) {
    previous_minimum_ = std::exchange(minimum_, round_trip);
    minimum_since_ = now;
  } else {
    minimum_ = std::min(minimum_, round_trip);
  }
}

bool PublishWindow::answered(std::uint64_t call, microseconds round_trip, Time now) noexcept {
  if (!adapts()) return false;
  const microseconds least = minimum(now);
  note_round_trip(round_trip, now);
  const Time before = std::exchange(last_answer_, now);
  // (No recent minimum: nothing to compare with; this answer starts one.)
  if (least == microseconds::max() || round_trip <= least + delay_) {
    if (before == Time{} || now <= before) return false;
    const double span = std::chrono::duration<double>(now - before) /
                        std::chrono::duration<double>(recovery);
    elements_ = std::min(static_cast<double>(ceiling_),
                         elements_ + span * static_cast<double>(ceiling_ - floor_));
    return false;
  }
  if (call < cut_at_) return false;
  elements_ = std::max(static_cast<double>(floor_), elements_ / 2);
  cut_at_ = next_call_;
  return true;
}

}  // namespace compss::net
