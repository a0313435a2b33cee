// The monitor's HTTP server: Boost.Beast on one thread of its own, answering GET requests
// with what a handler returns. Read-only; one request per connection, except the event
// streams (server-sent events), each written by a thread of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace compss::rt::observe {

/// What an event stream writes to its client with. Used by the stream's own thread only.
class EventStreamWriter {
 public:
  virtual ~EventStreamWriter() = default;
  /// Writes `text` whole ("data: ...\n\n"); false when the client went, is stuck for
  /// seconds, or the server stops.
  virtual bool write(std::string_view text) = 0;
  /// Waits `pause`; false when the server stops or finishes its streams, or the client
  /// closed the connection (the stream then writes what it still must, and returns).
  virtual bool wait(std::chrono::milliseconds pause) = 0;
};
/// Writes an event stream until it returns (the connection is then closed).
using EventStream = std::function<void(EventStreamWriter&)>;

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// When set (with status 200, to a GET): the answer is a text/event-stream whose events
  /// this writes, on a thread of its own, so that it never holds up the other requests.
  EventStream stream;
};

/// Answers a request for `target` (path and query, e.g. "/api/state?token=ab").
using HttpHandler = std::function<HttpReply(std::string_view target)>;

/// Listens on `address`:`port` (port 0: any free port) from construction on, and serves
/// until stop() or destruction. Throws compss::Error naming the address when it cannot
/// listen (port in use, no such address).
///
/// At most max_streams event streams run at once (one more is answered 503); stop() ends
/// them (their wait() and write() return false) and waits for their threads.
///
/// Thread-safety: the handler runs on the server's thread, one request at a time; each
/// event stream on its own thread, concurrently with the handler and the other streams;
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
  /// Event streams served at once, at most.
  static constexpr std::size_t max_streams = 8;
  /// Asks the event streams to end (their wait() returns false; they may still write
  /// their last events) and waits at most `grace` for them. Not for the server's thread.
  void finish_streams(std::chrono::milliseconds grace);
  /// Stops serving (idempotent); connections in progress are dropped.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace compss::rt::observe
