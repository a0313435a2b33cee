#include "worker_restarts.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace compss::run {

WorkerRestartSocket::WorkerRestartSocket() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::runtime_error(std::string("compss-run: cannot create a socket pair: ") +
                             std::strerror(errno));
  own_fd_ = fds[0];
  master_fd_ = fds[1];
  ::fcntl(master_fd_, F_SETFD, 0);  // the master inherits it
  // SIGIO to compss-run when the master writes: its wait (sigtimedwait) wakes at once.
  ::fcntl(own_fd_, F_SETOWN, ::getpid());
  ::fcntl(own_fd_, F_SETFL, ::fcntl(own_fd_, F_GETFL) | O_NONBLOCK | O_ASYNC);
}

WorkerRestartSocket::~WorkerRestartSocket() {
  close_master_end();
  if (own_fd_ >= 0) ::close(own_fd_);
}

void WorkerRestartSocket::close_master_end() noexcept {
  if (master_fd_ >= 0) ::close(master_fd_);
  master_fd_ = -1;
}

void WorkerRestartSocket::read_available() {
  if (own_fd_ < 0) return;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(own_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        ::close(own_fd_);  // the master ended: nothing more will come
        own_fd_ = -1;
      }
      break;
    }
    partial_.append(buf, static_cast<std::size_t>(n));
  }
  // "<verb> <name>": a name after the verb, else the line is ignored.
  auto name_after = [](const std::string& line, const std::string& verb, std::vector<std::string>& to) {
    if (line.rfind(verb, 0) != 0 || line.size() <= verb.size()) return;
    to.push_back(line.substr(verb.size()));
  };
  std::size_t start = 0;
  for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = partial_.substr(start, nl - start);
    name_after(line, "restart ", restarts_);
    name_after(line, "add ", additions_);
  }
  partial_.erase(0, start);
}

std::vector<std::string> WorkerRestartSocket::take_requests() {
  read_available();
  return std::exchange(restarts_, {});
}

std::vector<std::string> WorkerRestartSocket::take_additions() {
  read_available();
  return std::exchange(additions_, {});
}

}  // namespace compss::run
