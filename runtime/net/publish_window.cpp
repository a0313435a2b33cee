#include "net/publish_window.hpp"

#include <algorithm>
#include <utility>

namespace compss::net {

PublishWindow::PublishWindow(std::size_t ceiling, std::chrono::microseconds delay) noexcept
    : ceiling_(ceiling),
      floor_(std::min(ceiling, default_floor)),
      delay_(delay),
      elements_(static_cast<double>(ceiling)) {}

void PublishWindow::answered(std::uint64_t call, std::chrono::microseconds round_trip,
                             Time now) noexcept {
  if (delay_.count() <= 0) return;
  const Time before = std::exchange(last_answer_, now);
  if (round_trip <= delay_) {
    if (before == Time{} || now <= before) return;
    const double span = std::chrono::duration<double>(now - before) /
                        std::chrono::duration<double>(recovery);
    elements_ = std::min(static_cast<double>(ceiling_),
                         elements_ + span * static_cast<double>(ceiling_ - floor_));
  } else if (call >= cut_at_) {
    elements_ = std::max(static_cast<double>(floor_), elements_ / 2);
    cut_at_ = next_call_;
  }
}

}  // namespace compss::net
