#include "worker_exits.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace compss::run {

WorkerExitsPipe::WorkerExitsPipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("compss-run: cannot create a pipe: ") + std::strerror(errno));
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  // The master inherits the read end; compss-run's writes must never wait for it.
  ::fcntl(read_fd_, F_SETFD, 0);
  ::fcntl(write_fd_, F_SETFL, ::fcntl(write_fd_, F_GETFL) | O_NONBLOCK);
}

WorkerExitsPipe::~WorkerExitsPipe() {
  close_master_end();
  if (write_fd_ >= 0) ::close(write_fd_);
}

void WorkerExitsPipe::close_master_end() noexcept {
  if (read_fd_ >= 0) ::close(read_fd_);
  read_fd_ = -1;
}

void WorkerExitsPipe::report(const std::string& name) noexcept {
  std::string line = "ended ";
  for (char c : name) line += c == '\n' ? ' ' : c;
  line += '\n';
  // One short write (well under PIPE_BUF: atomic); EPIPE/EAGAIN: the master stopped
  // reading, it no longer needs to know.
  ssize_t n;
  do {
    n = ::write(write_fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
}

}  // namespace compss::run
