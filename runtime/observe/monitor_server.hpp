// The monitor's HTTP server: Boost.Beast on one thread of its own, answering GET requests
// with what a handler returns. Read-only; one request per connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace compss::rt::observe {

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

/// Answers a request for `target` (path and query, e.g. "/api/state?token=ab").
using HttpHandler = std::function<HttpReply(std::string_view target)>;

/// Listens on `address`:`port` (port 0: any free port) from construction on, and serves
/// until stop() or destruction. Throws compss::Error naming the address when it cannot
/// listen (port in use, no such address).
///
/// Thread-safety: the handler runs on the server's thread, one request at a time;
/// construct and stop from one thread.
///
///   MonitorServer server("127.0.0.1", 0, [](std::string_view) { return HttpReply{}; });
///   std::printf("port %u\n", server.port());
class MonitorServer {
 public:
  MonitorServer(const std::string& address, std::uint16_t port, HttpHandler handler);
  ~MonitorServer();
  MonitorServer(const MonitorServer&) = delete;
  MonitorServer& operator=(const MonitorServer&) = delete;

  /// The port it listens on (the one chosen when asked for 0).
  std::uint16_t port() const noexcept;
  /// Stops serving (idempotent); connections in progress are dropped.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace compss::rt::observe
