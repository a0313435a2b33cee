#include "net/master/restart_requests.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace compss::net {

RestartRequests::RestartRequests(int fd, std::size_t limit) : fd_(fd), limit_(limit) {}

RestartRequests::~RestartRequests() {
  if (fd_ >= 0) ::close(fd_);
}

bool RestartRequests::request(const std::string& name, std::string& why) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) {
    why = "it was not started by compss-run, which alone could start it again";
    return false;
  }
  if (asked_ >= limit_) {
    why = "this run restarted workers " + std::to_string(limit_) + " times already (the limit)";
    return false;
  }
  std::string line = "restart ";
  for (char c : name) line += c == '\n' ? ' ' : c;
  line += '\n';
  // One short message on a stream socket (compss-run reads it whole or in parts); never
  // SIGPIPE when compss-run is gone.
  ssize_t n;
  do {
    n = ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(line.size())) {
    why = std::string("compss-run could not be asked to start it again (") +
          (n < 0 ? std::strerror(errno) : "a short write") + ")";
    return false;
  }
  ++asked_;
  ++expected_[name];
  return true;
}

bool RestartRequests::take_rejoin(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = expected_.find(name);
  if (it == expected_.end()) return false;
  if (--it->second == 0) expected_.erase(it);
  return true;
}

}  // namespace compss::net
