// TcpConnection: an Endpoint over one TCP socket with length-prefixed frames, read and
// written on the calling thread.
#pragma once

#include "net/endpoint.hpp"

#include <compss/detail/value_sink.hpp>
#include "net/stream_reply_reader.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
  /// connect_to: a refused connection is tried again until the time-out (a master not
  /// listening yet). False where the peer listens before anyone learns its address (a
  /// worker's data port): refused means it is gone.
  bool retry_refused = true;
  /// receive: before sleeping in poll(2), check for data this long, yielding the CPU
  /// between checks. An answer that comes within it costs no sleep and wake-up (tens of
  /// µs each on a VM); an idle connection costs at most this much CPU per receive. Like
  /// OpenMP's spin before blocking. Zero: sleep at once.
  std::chrono::microseconds spin{50};
  /// Test only (net/test_pause.hpp): called once per large frame (one read into its
  /// destination) longer than `pause_after` bytes, on the reading thread, when
  /// `pause_after` bytes of it are read, with the peer's name and the frame's size. The
  /// fault tests kill the sender or the receiver while it runs. Empty: no pause.
  std::function<void(const std::string& peer, std::size_t bytes)> pause;
  std::size_t pause_after = 1 << 20;
};

/// One TCP connection. Frames are written and read on the calling thread: send() writes
/// the whole frame before it returns (a gathered write, values not copied; concurrent
/// senders take turns), receive() polls the socket and reads through a 64 KiB buffer (a
/// large payload goes straight into its destination). Only a connection accepted by a
/// Listener is read by the io thread, until its Hello passed the gate. A frame that fails
/// to decode closes this connection only (logged with the peer's address). Create it
/// with std::make_shared.
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

  /// Without a gate: the connection is ready for direct reads and writes. With a gate, the
  /// io thread reads the first message, which must pass it within `gate_timeout`, or the
  /// connection is closed and logged; `admit` runs when it passes (the message is the
  /// first one receive() returns), and from then on reads are direct.
  ///
  ///   c->start(check_hello, std::chrono::seconds(5), on_admitted);
  void start(Gate gate = {}, std::chrono::milliseconds gate_timeout = {}, Admit admit = {});

  std::error_code send(const Message& m) override;
  std::error_code send_batch(std::span<const Message* const> messages) override;
  std::error_code receive(Message& out, std::chrono::milliseconds timeout) override;

  /// Like receive(); a DataFetchReply too large for the read buffer has its value placed
  /// by a sink from `make_sink` (the byte sink when null) and handed over in
  /// `shared_value`. A worker passes the sink of the type the value will be read as, so
  /// its bytes land in that object (compss/detail/value_sink.hpp).
  ///
  ///   c->receive(m, std::chrono::seconds(120), sink_maker<std::vector<double>>());
  std::error_code receive(Message& out, std::chrono::milliseconds timeout,
                          const detail::SinkFactory& make_sink);
  void close() noexcept override;
  /// The socket reports the peer's FIN (POLLRDHUP), a reset or an error, or we closed it.
  bool peer_gone() const noexcept override;
  std::string peer() const override { return peer_; }
  /// Bytes read so far plus those waiting in the socket unread: a peer is heard even
  /// while no thread reads (the master's receiver busy completing a task).
  std::uint64_t bytes_received() const noexcept override;

  /// True at once: send() writes each frame before it returns, so nothing is ever left
  /// queued. Kept so callers that drain before stopping need not know.
  ///
  ///   c->send(reply);
  ///   c->flush(std::chrono::seconds(5));
  bool flush(std::chrono::milliseconds timeout) const;

 private:
  using Clock = std::chrono::steady_clock;

  // The gate (io thread only, before admission).
  void read_header();
  void read_payload();
  void on_message(Message m);

  // Direct reads (one reader at a time: reading_).
  std::error_code read_frame(Message& out, Clock::time_point deadline,
                             const detail::SinkFactory& make_sink);
  std::error_code read_large(Message& out, Clock::time_point deadline);
  std::error_code need(std::size_t bytes, Clock::time_point deadline);
  std::error_code fill(Clock::time_point deadline);
  std::error_code read_into(std::byte* at, std::size_t size, std::size_t& done,
                            Clock::time_point deadline, bool once = false);
  std::error_code wait_readable(Clock::time_point deadline);

  void release_socket();
  std::error_code write_all(std::span<const EncodedFrame> frames);
  void fail(std::error_code ec, const std::string& what);
  std::error_code close_with(std::error_code reason);

  boost::asio::ip::tcp::socket socket_;
  int fd_ = -1;  // socket_'s descriptor; closed only by the destructor
  bool released_ = false;  // socket_ gave fd_ up (direct mode): the destructor closes it
  boost::asio::steady_timer gate_timer_;
  ConnectionOptions options_;
  std::string peer_;
  Inbox inbox_;  // the admitted Hello, then the reason the connection closed
  std::atomic<bool> direct_{false};
  std::atomic<bool> shut_{false};
  std::atomic<std::uint64_t> received_{0};  // bytes of direct reads (bytes_received)

  // The gate's state (io thread only).
  Gate gate_;
  Admit admit_;
  bool admitted_ = true;
  std::array<std::byte, header_size> header_{};
  FrameHeader frame_;
  std::vector<std::byte> payload_;

  std::mutex write_mutex_;
  std::mutex read_turn_mutex_;
  std::condition_variable read_turn_free_;
  bool reading_ = false;  // a receive() owns the reader state below
  // Direct reads: buffered bytes are buffer_[begin_, end_).
  std::vector<std::byte> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  // A frame larger than the buffer, partly read when a receive timed out.
  struct LargeFrame {
    bool active = false;
    FrameHeader header;
    std::vector<std::byte> payload;  // any type but a DataFetchReply
    DataFetchReply reply;            // a DataFetchReply: its value is read in place,
    std::unique_ptr<detail::ValueSink> sink;  // into the places this sink chose
    // A StreamReply: each element's bytes are read into their vector (the reader names
    // the places one after the other: places holds the one being filled).
    std::unique_ptr<StreamReplyReader> stream;
    std::vector<std::span<std::byte>> places;  // where the bytes go, in order
    std::size_t place = 0;           // the place being filled
    std::size_t done = 0;            // bytes of that place read so far
    bool paused = false;             // options_.pause ran for this frame
  };
  LargeFrame large_;
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
