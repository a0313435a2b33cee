// TcpConnection: an Endpoint over one TCP socket with asynchronous, length-prefixed frames.
#pragma once

#include "net/endpoint.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace compss::net {

/// Where the network layer reports connections it closes (stderr by default).
using LogFn = std::function<void(const std::string&)>;

/// Writes `compss: net: <line>` to stderr.
///
///   LogFn log = stderr_log;
void stderr_log(const std::string& line);

/// Limits and hooks of one connection.
///
///   ConnectionOptions o{.max_payload = 64 << 20, .log = my_log};
struct ConnectionOptions {
  /// Largest payload accepted once the peer is admitted.
  std::uint64_t max_payload = default_max_payload;
  /// Largest payload accepted before the peer's hello was checked.
  std::uint64_t max_hello_payload = 64 * 1024;
  LogFn log = stderr_log;
};

/// One TCP connection. Reads frames as they arrive into an inbox; a frame that fails to
/// decode closes this connection only (logged with the peer's address). Create it with
/// std::make_shared; the io_context must run on one thread (IoThread).
///
///   auto c = std::make_shared<TcpConnection>(std::move(socket), ConnectionOptions{});
///   c->start();
///   c->send(Hello{...});
class TcpConnection final : public Endpoint, public std::enable_shared_from_this<TcpConnection> {
 public:
  /// Checks the first message; a non-empty error closes the connection.
  using Gate = std::function<std::error_code(const Message&)>;
  /// Called once the gate accepted the first message.
  using Admit = std::function<void(std::shared_ptr<TcpConnection>)>;

  TcpConnection(boost::asio::ip::tcp::socket socket, ConnectionOptions options);
  ~TcpConnection() override;

  /// Starts reading. With a gate, the first message must pass it within `gate_timeout`,
  /// or the connection is closed and logged; `admit` runs when it passes.
  ///
  ///   c->start(check_hello, std::chrono::seconds(5), on_admitted);
  void start(Gate gate = {}, std::chrono::milliseconds gate_timeout = {}, Admit admit = {});

  std::error_code send(const Message& m) override;
  std::error_code receive(Message& out, std::chrono::milliseconds timeout) override;
  void close() noexcept override;
  std::string peer() const override { return peer_; }

  /// Waits at most `timeout` until every message sent so far was written to the socket
  /// (or dropped because the connection closed); true when none is left. Call it before
  /// the io thread stops, so final replies are not lost.
  ///
  ///   c->send(reply);
  ///   c->flush(std::chrono::seconds(5));
  bool flush(std::chrono::milliseconds timeout) const;

 private:
  void read_header();
  void read_payload();
  void on_message(Message m);
  void write_next();
  void fail(std::error_code ec, const std::string& what);
  void close_now(std::error_code reason);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer gate_timer_;
  ConnectionOptions options_;
  std::string peer_;
  Inbox inbox_;
  Gate gate_;
  Admit admit_;
  bool admitted_ = true;
  std::array<std::byte, header_size> header_{};
  FrameHeader frame_;
  std::vector<std::byte> payload_;
  std::deque<std::vector<std::byte>> writes_;  // io thread only
  bool writing_ = false;
  bool closing_ = false;
  std::atomic<std::size_t> unsent_{0};  // sent but not yet written or dropped
};

/// The host part of an endpoint's peer name ("10.0.0.7:41000" -> "10.0.0.7",
/// "::1:41000" -> "::1"); a name without a port is returned as is. The master joins it
/// with a worker's Hello::data_port to build a WireParam::source.
///
///   std::string source = peer_host(*conn) + ":" + std::to_string(hello.data_port);
std::string peer_host(const Endpoint& endpoint);

/// Connects to `host:port`, sends `hello`, and returns the connection; throws
/// compss::Error naming the address when it cannot connect within `timeout`.
///
///   auto master = connect_to(io.context(), "127.0.0.1", 4000, hello, std::chrono::seconds(5));
std::shared_ptr<TcpConnection> connect_to(boost::asio::io_context& io, const std::string& host,
                                          std::uint16_t port, const Hello& hello,
                                          std::chrono::milliseconds timeout,
                                          ConnectionOptions options = {});

}  // namespace compss::net
