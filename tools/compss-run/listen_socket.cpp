#include "listen_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace compss::run {

ListenSocket open_listen_socket(const std::string& address, std::uint16_t port) {
  auto fail = [&](const char* what) -> ListenSocket {
    throw std::runtime_error("compss-run: cannot listen on " + address + ":" +
                             std::to_string(port) + ": " + what);
  };
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) return fail("not an IPv4 address");
  // No SOCK_CLOEXEC: the master must inherit this descriptor.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return fail(std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 128) != 0) {
    int e = errno;
    ::close(fd);
    return fail(std::strerror(e));
  }
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return {fd, ntohs(sa.sin_port)};
}

}  // namespace compss::run
