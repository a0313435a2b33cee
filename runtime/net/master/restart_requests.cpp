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

bool RestartRequests::ask(const char* verb, const std::string& name, const char* no_compss_run,
                          std::string& why) {
  if (fd_ < 0) {
    why = no_compss_run;
    return false;
  }
  if (asked_ >= limit_) {
    why = "this run restarted or added workers " + std::to_string(limit_) + " times already (the limit)";
    return false;
  }
  std::string line = std::string(verb) + " ";
  for (char c : name) line += c == '\n' ? ' ' : c;
  line += '\n';
  // One short message on a stream socket (compss-run reads it whole or in parts); never
  // SIGPIPE when compss-run is gone.
  ssize_t n;
  do {
    n = ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(line.size())) {
    why = std::string("compss-run could not be asked (") +
          (n < 0 ? std::strerror(errno) : "a short write") + ")";
    return false;
  }
  ++asked_;
  return true;
}

bool RestartRequests::request(const std::string& name, std::string& why) {
  std::lock_guard lock(mutex_);
  if (!ask("restart", name, "it was not started by compss-run, which alone could start it again", why)) return false;
  ++expected_[name];
  return true;
}

bool RestartRequests::request_new(const std::string& name, std::string& why) {
  std::lock_guard lock(mutex_);
  if (!ask("add", name, "this master was not started by compss-run, which alone starts workers", why)) return false;
  ++added_[name];
  added_order_.push_back(name);
  return true;
}

namespace {
/// Takes one expected arrival of `name` from `expected`; false when none is expected.
bool take_one(std::map<std::string, unsigned>& expected, const std::string& name) {
  auto it = expected.find(name);
  if (it == expected.end()) return false;
  if (--it->second == 0) expected.erase(it);
  return true;
}
}  // namespace

bool RestartRequests::take_added(const std::string& name) {
  std::lock_guard lock(mutex_);
  return take_one(added_, name);
}

bool RestartRequests::take_rejoin(const std::string& name) {
  std::lock_guard lock(mutex_);
  return take_one(expected_, name);
}

bool RestartRequests::awaiting_rejoin() {
  std::lock_guard lock(mutex_);
  for (const auto& [name, count] : expected_) {
    if (count > 0) return true;
  }
  return false;
}

void RestartRequests::forget_rejoin(const std::string& name) {
  std::lock_guard lock(mutex_);
  expected_.erase(name);
}

unsigned RestartRequests::cancel_additions(unsigned n) {
  std::lock_guard lock(mutex_);
  unsigned cancelled = 0;
  while (cancelled < n && !added_order_.empty()) {
    const std::string name = std::move(added_order_.back());
    added_order_.pop_back();
    if (take_one(added_, name)) ++cancelled;  // (else it joined already)
  }
  return cancelled;
}

}  // namespace compss::net
