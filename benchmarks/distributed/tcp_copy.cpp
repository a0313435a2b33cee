// The reference for the transfer benchmark: the same bytes copied over a loopback TCP
// socket between two processes, with plain POSIX sockets and nothing else.
//
//   tcp_copy <MiB (256)> <reps (3)>
//
// The parent listens on 127.0.0.1; a forked child connects, sends its CLOCK_MONOTONIC
// start time and then <MiB> MiB from a filled buffer. The parent receives them into a
// freshly allocated buffer (as a worker receives a fetched object) and stops the clock
// when the last byte is in. Prints one line per repetition: impl MiB seconds MB_per_s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

void send_all(int fd, const void* p, std::size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t k = ::send(fd, c, n, 0);
    if (k <= 0) die("tcp_copy: send");
    c += k;
    n -= static_cast<std::size_t>(k);
  }
}

void recv_all(int fd, void* p, std::size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    const ssize_t k = ::recv(fd, c, n, 0);
    if (k <= 0) die("tcp_copy: recv");
    c += k;
    n -= static_cast<std::size_t>(k);
  }
}

/// One copy of `bytes` bytes from a child process to this one; returns the seconds taken.
double copy_once(std::size_t bytes) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) die("tcp_copy: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    die("tcp_copy: bind/listen");
  }
  const pid_t child = ::fork();
  if (child < 0) die("tcp_copy: fork");
  if (child == 0) {  // the sender: the bytes exist before the clock starts
    std::vector<std::byte> data(bytes, std::byte{7});
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      die("tcp_copy: connect");
    }
    const double start = now();
    send_all(fd, &start, sizeof start);
    send_all(fd, data.data(), data.size());
    ::close(fd);
    std::_Exit(0);
  }
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) die("tcp_copy: accept");
  double start = 0;
  recv_all(fd, &start, sizeof start);
  std::unique_ptr<std::byte[]> into(new std::byte[bytes]);  // fresh pages, as a receiver's
  recv_all(fd, into.get(), bytes);
  const double seconds = now() - start;
  ::close(fd);
  ::close(listener);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (into[bytes - 1] != std::byte{7}) {
    std::fprintf(stderr, "tcp_copy: wrong bytes received\n");
    std::exit(1);
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const long mib = argc > 1 ? std::atol(argv[1]) : 256;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  if (mib <= 0 || reps <= 0) {
    std::fprintf(stderr, "usage: %s [MiB > 0 (256)] [repetitions > 0 (3)]\n", argv[0]);
    return 2;
  }
  const std::size_t bytes = static_cast<std::size_t>(mib) << 20;
  for (int r = 0; r < reps; ++r) {
    const double seconds = copy_once(bytes);
    std::printf("tcp %ld %.6f %.1f\n", mib, seconds, static_cast<double>(bytes) / 1e6 / seconds);
    std::fflush(stdout);
  }
  return 0;
}
