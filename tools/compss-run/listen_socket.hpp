// The master's listening socket, made by compss-run so it knows the port before it starts
// the workers; the master inherits it (COMPSS_LISTEN_FD).
#pragma once

#include <cstdint>
#include <string>

namespace compss::run {

/// A bound, listening TCP socket and the port it got.
struct ListenSocket {
  int fd = -1;
  std::uint16_t port = 0;
};

/// Binds `address:port` (IPv4; port 0 = any free port) and listens. The descriptor is NOT
/// close-on-exec: the master inherits it; workers are spawned with it closed. Throws
/// std::runtime_error ("compss-run: cannot listen on 127.0.0.1:80: Permission denied").
///
///   ListenSocket s = open_listen_socket("127.0.0.1", 0);  // s.port != 0
ListenSocket open_listen_socket(const std::string& address, std::uint16_t port);

}  // namespace compss::run
