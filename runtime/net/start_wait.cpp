#include "net/start_wait.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace compss::net {

StartWait::StartWait(unsigned expected, std::chrono::seconds timeout, int exits_fd,
                     bool stop_at_first_loss)
    : expected_(expected),
      timeout_(timeout),
      deadline_(std::chrono::steady_clock::now() + timeout),
      exits_fd_(exits_fd),
      stop_at_first_loss_(stop_at_first_loss) {
  if (exits_fd_ < 0) return;
  // Read between accepts, never blocking; not inherited by what tasks start.
  int flags = ::fcntl(exits_fd_, F_GETFL);
  if (flags < 0 || ::fcntl(exits_fd_, F_SETFL, flags | O_NONBLOCK) != 0 ||
      ::fcntl(exits_fd_, F_SETFD, FD_CLOEXEC) != 0) {
    ::close(exits_fd_);  // not a descriptor we can use: wait the whole time-out instead
    exits_fd_ = -1;
  }
}

StartWait::~StartWait() {
  if (exits_fd_ >= 0) ::close(exits_fd_);  // compss-run's later writes get EPIPE, ignored
}

void StartWait::read_reports() {
  if (exits_fd_ < 0) return;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(exits_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // EOF: compss-run is gone (it wrote all it knew); EAGAIN: nothing more for now.
      if (n == 0 || errno != EAGAIN) {
        ::close(exits_fd_);
        exits_fd_ = -1;
      }
      return;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = partial_.find('\n')) != std::string::npos;) {
      std::string line = partial_.substr(0, nl);
      partial_.erase(0, nl + 1);
      // "ended <name>": a worker process of that name ended (or could not be started).
      if (line.rfind("ended ", 0) == 0) ++ended_[line.substr(6)];
    }
  }
}

unsigned StartWait::ended_before_connecting() const {
  unsigned n = 0;
  for (const auto& [name, count] : ended_) {
    auto it = arrived_.find(name);
    unsigned arrived = it == arrived_.end() ? 0 : it->second;
    n += count > arrived ? count - arrived : 0;
  }
  return n;
}

bool StartWait::waiting() {
  read_reports();
  if (connected_ >= expected_) return false;
  unsigned lost = ended_before_connecting();
  if (lost > 0 && stop_at_first_loss_) return false;
  if (connected_ + lost >= expected_) return false;
  return std::chrono::steady_clock::now() < deadline_;
}

std::chrono::milliseconds StartWait::next_slice() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::steady_clock::now());
  left = std::max(left, std::chrono::milliseconds(1));
  return exits_fd_ >= 0 ? std::min(left, std::chrono::milliseconds(100)) : left;
}

void StartWait::connected(const std::string& name) {
  ++arrived_[name];
  ++connected_;
}

unsigned StartWait::missing() const {
  return connected_ >= expected_ ? 0 : expected_ - connected_;
}

std::string StartWait::report() const {
  unsigned lost = std::min(ended_before_connecting(), missing());
  std::string names;
  for (const auto& [name, count] : ended_) {
    auto it = arrived_.find(name);
    if (count > (it == arrived_.end() ? 0 : it->second)) {
      names += (names.empty() ? "" : ", ") + name;
    }
  }
  std::string text = std::to_string(missing()) + " of " + std::to_string(expected_) +
                     " worker(s) missing (";
  if (lost > 0) text += std::to_string(lost) + " ended before connecting: " + names;
  if (missing() > lost) {
    if (lost > 0) text += "; ";
    text += std::to_string(missing() - lost);
    if (std::chrono::steady_clock::now() >= deadline_) {
      text += " did not connect within " + std::to_string(timeout_.count()) + " s";
    } else {
      text += " not waited for";
    }
  }
  return text + ")";
}

}  // namespace compss::net
