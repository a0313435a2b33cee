#include "net/publish_window.hpp"

#include <algorithm>

namespace compss::net {

PublishWindow::PublishWindow(std::size_t ceiling, std::chrono::microseconds delay) noexcept
    : ceiling_(ceiling), floor_(std::min(ceiling, default_floor)), delay_(delay), elements_(ceiling) {}

void PublishWindow::answered(std::uint64_t call, std::chrono::microseconds round_trip) noexcept {
  if (delay_.count() <= 0) return;
  if (round_trip <= delay_) {
    elements_ = std::min(ceiling_, elements_ + std::max<std::size_t>(1, elements_ / 8));
  } else if (call >= cut_at_) {
    elements_ = std::max(floor_, elements_ / 2);
    cut_at_ = next_call_;
  }
}

}  // namespace compss::net
