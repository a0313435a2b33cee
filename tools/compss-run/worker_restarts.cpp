#include "worker_restarts.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

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

std::vector<std::string> WorkerRestartSocket::take_requests() {
  std::vector<std::string> names;
  if (own_fd_ < 0) return names;
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
  const std::string verb = "restart ";
  std::size_t start = 0;
  for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = partial_.substr(start, nl - start);
    if (line.rfind(verb, 0) == 0 && line.size() > verb.size()) names.push_back(line.substr(verb.size()));
  }
  partial_.erase(0, start);
  return names;
}

}  // namespace compss::run
