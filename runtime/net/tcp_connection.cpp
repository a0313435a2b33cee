#include "net/tcp_connection.hpp"

#include <compss/error.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <poll.h>
#include <sched.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <future>
#include <thread>

namespace compss::net {

namespace asio = boost::asio;
using asio::ip::tcp;

void stderr_log(const std::string& line) {
  std::fprintf(stderr, "compss: net: %s\n", line.c_str());
  std::fflush(stderr);
}

namespace {
std::string endpoint_name(const tcp::socket& s) {
  boost::system::error_code ec;
  tcp::endpoint e = s.remote_endpoint(ec);
  if (ec) return "unknown peer";
  return e.address().to_string() + ":" + std::to_string(e.port());
}
}  // namespace

TcpConnection::TcpConnection(tcp::socket socket, ConnectionOptions options)
    : socket_(std::move(socket)),
      fd_(socket_.native_handle()),
      gate_timer_(socket_.get_executor()),
      options_(std::move(options)),
      peer_(endpoint_name(socket_)) {
  if (!options_.log) options_.log = [](const std::string&) {};
  // Small messages (task requests, replies) go out at once, not after Nagle's delay.
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
}

// The descriptor is closed here only: no other thread can be using it any more.
TcpConnection::~TcpConnection() {
  inbox_.close(NetError::closed);
  if (released_) ::close(fd_);  // otherwise socket_ closes it
}

void TcpConnection::release_socket() {
  // Asio registered the socket with its epoll set, where every arriving segment would
  // wake the io thread for nothing; release() takes it out of the set, still open.
  boost::system::error_code ec;
  socket_.release(ec);
  released_ = !ec;
}

void TcpConnection::start(Gate gate, std::chrono::milliseconds gate_timeout, Admit admit) {
  if (!gate) {
    release_socket();
    direct_ = true;
    return;
  }
  asio::post(socket_.get_executor(), [self = shared_from_this(), gate = std::move(gate),
                                      gate_timeout, admit = std::move(admit)]() mutable {
    self->gate_ = std::move(gate);
    self->admit_ = std::move(admit);
    self->admitted_ = false;
    self->gate_timer_.expires_after(gate_timeout);
    self->gate_timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec && !self->admitted_) self->fail(NetError::hello_timeout, "no hello");
    });
    self->read_header();
  });
}

// --- The gate: the io thread reads exactly one frame, the Hello -----------------------

void TcpConnection::read_header() {
  asio::async_read(socket_, asio::buffer(header_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     if (ec) {
                       self->gate_timer_.cancel();
                       self->close_with(NetError::closed);
                       return;
                     }
                     if (auto bad = decode_header(self->header_, self->frame_,
                                                  self->options_.max_hello_payload)) {
                       self->gate_timer_.cancel();
                       self->fail(bad, "bad frame header");
                       return;
                     }
                     self->read_payload();
                   });
}

void TcpConnection::read_payload() {
  payload_.resize(frame_.payload_size);
  asio::async_read(socket_, asio::buffer(payload_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     Message m;
                     std::error_code bad;
                     if (!ec) bad = decode_payload(self->frame_.type, self->payload_, m);
                     self->payload_ = {};
                     if (ec || bad) {
                       self->gate_timer_.cancel();
                       if (bad) self->fail(bad, "bad message");
                       else self->close_with(NetError::closed);
                       return;
                     }
                     self->on_message(std::move(m));
                   });
}

void TcpConnection::on_message(Message m) {
  gate_timer_.cancel();
  if (auto bad = gate_(m)) {
    fail(bad, "rejected");
    return;
  }
  admitted_ = true;
  inbox_.push(std::move(m));
  // No further async read: from now on receive() reads on its caller's thread.
  release_socket();
  direct_ = true;
  if (admit_) admit_(shared_from_this());
}

// --- Writes ----------------------------------------------------------------------------

std::error_code TcpConnection::send(const Message& m) {
  if (shut_) return NetError::closed;
  EncodedFrame frame = encode_parts(m);
  return write_all(std::span(&frame, 1));
}

std::error_code TcpConnection::send_batch(std::span<const Message* const> messages) {
  if (shut_) return NetError::closed;
  std::vector<EncodedFrame> frames;
  frames.reserve(messages.size());
  for (const Message* m : messages) frames.push_back(encode_parts(*m));
  return write_all(frames);
}

std::error_code TcpConnection::write_all(std::span<const EncodedFrame> frames) {
  std::lock_guard lock(write_mutex_);  // concurrent senders take turns; a batch stays whole
  if (shut_) return NetError::closed;
  std::vector<iovec> parts;
  for (const EncodedFrame& frame : frames) {
    for (auto part : frame.parts) {
      parts.push_back({const_cast<std::byte*>(part.data()), part.size()});
    }
  }
  std::size_t next = 0;
  while (next < parts.size()) {
    msghdr msg{};
    msg.msg_iov = parts.data() + next;
    msg.msg_iovlen = std::min<std::size_t>(parts.size() - next, IOV_MAX);
    // MSG_NOSIGNAL: a vanished peer is an error code, not SIGPIPE.
    ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        // The socket buffer is full: wait until it drains, or close() shuts the socket.
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR) return close_with(NetError::closed);
        if (shut_) return NetError::closed;
        continue;
      }
      return close_with(NetError::closed);
    }
    for (auto left = static_cast<std::size_t>(n); left > 0;) {
      if (left >= parts[next].iov_len) {
        left -= parts[next].iov_len;
        ++next;
      } else {
        parts[next].iov_base = static_cast<std::byte*>(parts[next].iov_base) + left;
        parts[next].iov_len -= left;
        left = 0;
      }
    }
  }
  return {};
}

// --- Reads -----------------------------------------------------------------------------

namespace {

constexpr std::size_t read_buffer_size = 64 * 1024;
constexpr std::size_t small_place_bytes = 4096;  // a StreamReply field read through the buffer

using Clock = std::chrono::steady_clock;

/// `timeout` from now; "forever" for time-outs too large to add to the clock.
Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  if (timeout > std::chrono::hours(24 * 365 * 100)) return Clock::time_point::max();
  return Clock::now() + timeout;
}

std::chrono::milliseconds left_until(Clock::time_point deadline) {
  constexpr std::chrono::milliseconds a_year = std::chrono::hours(24 * 365);
  if (deadline == Clock::time_point::max()) return a_year;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return std::clamp(left, std::chrono::milliseconds(0), a_year);
}

}  // namespace

std::error_code TcpConnection::receive(Message& out, std::chrono::milliseconds timeout) {
  return receive(out, timeout, detail::SinkFactory{});
}

std::error_code TcpConnection::receive(Message& out, std::chrono::milliseconds timeout,
                                       const detail::SinkFactory& make_sink) {
  Clock::time_point deadline = deadline_after(timeout);
  // One reader at a time; waiting for the turn counts against the time-out. (A mutex and
  // a flag rather than std::timed_mutex, whose clocked lock ThreadSanitizer cannot see.)
  {
    std::unique_lock lock(read_turn_mutex_);
    auto free = [&] { return !reading_; };
    if (deadline == Clock::time_point::max()) {
      read_turn_free_.wait(lock, free);
    } else if (!read_turn_free_.wait_until(lock, deadline, free)) {
      return NetError::timed_out;  // another thread is still reading
    }
    reading_ = true;
  }
  struct EndTurn {
    TcpConnection* c;
    ~EndTurn() {
      {
        std::lock_guard lock(c->read_turn_mutex_);
        c->reading_ = false;
      }
      c->read_turn_free_.notify_one();
    }
  } end_turn{this};
  // The Hello the gate admitted, or the reason the connection closed.
  if (inbox_.ready()) return inbox_.pop(out, std::chrono::milliseconds(0));
  if (!direct_) return inbox_.pop(out, left_until(deadline));
  return read_frame(out, deadline, make_sink);
}

std::error_code TcpConnection::read_frame(Message& out, Clock::time_point deadline,
                                          const detail::SinkFactory& make_sink) {
  if (large_.active) return read_large(out, deadline);
  if (auto ec = need(header_size, deadline)) return ec;
  FrameHeader h;
  std::span<const std::byte> header(buffer_.data() + begin_, header_size);
  if (auto bad = decode_header(header, h, options_.max_payload)) {
    fail(bad, "bad frame header");
    return bad;
  }
  std::size_t frame_size = header_size + h.payload_size;
  if (frame_size <= buffer_.size()) {
    if (auto ec = need(frame_size, deadline)) return ec;
    std::span<const std::byte> payload(buffer_.data() + begin_ + header_size, h.payload_size);
    begin_ += frame_size;
    if (auto bad = decode_payload(h.type, payload, out)) {
      fail(bad, "bad message");
      return bad;
    }
    return {};
  }
  // Larger than the buffer: allocate its destination and read into it directly.
  LargeFrame large;
  large.header = h;
  try {
    if (h.type == MessageType::data_fetch_reply) {
      if (auto ec = need(header_size + fetch_reply_prefix_size, deadline)) return ec;
      std::span<const std::byte> prefix(buffer_.data() + begin_ + header_size,
                                        fetch_reply_prefix_size);
      std::uint64_t value_size = 0;
      if (auto bad = decode_fetch_reply_prefix(prefix, h.payload_size, large.reply, value_size)) {
        fail(bad, "bad message");
        return bad;
      }
      large.sink = make_sink ? make_sink() : detail::make_byte_sink();
      large.places = large.sink->places(value_size);
      begin_ += header_size + fetch_reply_prefix_size;
    } else if (h.type == MessageType::stream_reply) {
      large.stream = std::make_unique<StreamReplyReader>(h.payload_size);
      std::error_code bad;
      std::span<std::byte> first = large.stream->next(bad);
      if (bad) {
        fail(bad, "bad message");
        return bad;
      }
      large.places = {first};
      begin_ += header_size;
    } else {
      large.payload.resize(h.payload_size);
      large.places = {large.payload};
      begin_ += header_size;
    }
  } catch (const std::bad_alloc&) {
    fail(NetError::payload_too_large, "cannot allocate the payload");
    return NetError::payload_too_large;
  }
  large.active = true;
  large_ = std::move(large);
  return read_large(out, deadline);
}

std::error_code TcpConnection::read_large(Message& out, Clock::time_point deadline) {
  for (;; ++large_.place, large_.done = 0) {
    if (large_.place == large_.places.size()) {
      if (!large_.stream) break;
      // A StreamReply's next place, now that the last one is filled (its bytes decided it).
      std::error_code bad;
      std::span<std::byte> more = large_.stream->next(bad);
      if (bad) {
        large_ = LargeFrame{};
        fail(bad, "bad message");
        return bad;
      }
      if (more.empty()) break;
      large_.places.assign(1, more);
      large_.place = 0;
    }
    std::span<std::byte> into = large_.places[large_.place];
    // Bytes already buffered come first; the rest is received in place.
    std::size_t buffered = std::min(end_ - begin_, into.size() - large_.done);
    if (buffered != 0) std::memcpy(into.data() + large_.done, buffer_.data() + begin_, buffered);
    begin_ += buffered;
    large_.done += buffered;
    if (large_.stream && into.size() - large_.done < small_place_bytes) {
      // A StreamReply's small field: read through the buffer (one recv brings what
      // follows too), not with a system call of a few bytes each.
      const std::size_t rest = into.size() - large_.done;
      if (auto ec = need(rest, deadline)) return ec;
      std::memcpy(into.data() + large_.done, buffer_.data() + begin_, rest);
      begin_ += rest;
      large_.done += rest;
      continue;
    }
    if (options_.pause && !large_.paused && !large_.stream) {  // a test's pause (ConnectionOptions)
      std::size_t before = 0, total = 0;
      for (std::size_t k = 0; k < large_.places.size(); ++k) {
        if (k < large_.place) before += large_.places[k].size();
        total += large_.places[k].size();
      }
      const std::size_t at = options_.pause_after;
      if (at < total && at < before + into.size()) {  // the pause falls in this place
        if (auto ec = read_into(into.data(), at - before, large_.done, deadline)) return ec;
        large_.paused = true;
        options_.pause(peer_, total);
      }
    }
    if (auto ec = read_into(into.data(), into.size(), large_.done, deadline)) return ec;
  }
  LargeFrame done = std::move(large_);
  large_ = LargeFrame{};
  if (done.header.type == MessageType::data_fetch_reply) {
    done.reply.shared_value = done.sink->finish();
    out = std::move(done.reply);
    return {};
  }
  if (done.stream) {
    out = done.stream->take();
    return {};
  }
  if (auto bad = decode_payload(done.header.type, done.payload, out)) {
    fail(bad, "bad message");
    return bad;
  }
  return {};
}

std::error_code TcpConnection::need(std::size_t bytes, Clock::time_point deadline) {
  if (buffer_.empty()) buffer_.resize(read_buffer_size);
  if (begin_ == end_) begin_ = end_ = 0;
  while (end_ - begin_ < bytes) {
    if (buffer_.size() - begin_ < bytes) {  // move the partial frame to the front
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (auto ec = fill(deadline)) return ec;
  }
  return {};
}

std::error_code TcpConnection::fill(Clock::time_point deadline) {
  std::size_t done = end_;
  // One recv may bring several frames: whatever fits in the buffer is kept.
  std::error_code ec = read_into(buffer_.data(), buffer_.size(), done, deadline, true);
  end_ = done;
  return ec;
}

std::error_code TcpConnection::read_into(std::byte* at, std::size_t size, std::size_t& done,
                                         Clock::time_point deadline, bool once) {
  while (done < size) {
    if (shut_) return inbox_.reason();
    ssize_t n = ::recv(fd_, at + done, size - done, MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      received_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      if (once) return {};
      continue;
    }
    if (n == 0) {
      if (shut_) return inbox_.reason();
      bool mid_frame = large_.active || end_ > begin_;
      if (!mid_frame) return close_with(NetError::closed);
      fail(NetError::truncated, "the peer closed in the middle of a frame");
      return NetError::truncated;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return close_with(NetError::closed);
    if (auto ec = wait_readable(deadline)) return ec;
  }
  return {};
}

std::error_code TcpConnection::wait_readable(Clock::time_point deadline) {
  if (options_.spin.count() > 0) {
    const auto until = std::min(deadline, Clock::now() + options_.spin);
    do {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) return {};
      sched_yield();  // others on this core (the peer, perhaps) run meanwhile
    } while (Clock::now() < until);
  }
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    // At most an hour per poll (an int of milliseconds); the loop waits the rest.
    auto wait = std::min(left_until(deadline), std::chrono::milliseconds(std::chrono::hours(1)));
    int r = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (r > 0) return {};  // data, end of stream or an error: the next recv tells which
    if (r < 0 && errno != EINTR) return close_with(NetError::closed);
    if (r == 0 && Clock::now() >= deadline) return NetError::timed_out;
  }
}

// --- Closing ---------------------------------------------------------------------------

void TcpConnection::close() noexcept { close_with(NetError::closed); }

void TcpConnection::fail(std::error_code ec, const std::string& what) {
  options_.log("closing connection from " + peer_ + ": " + what + ": " + ec.message());
  close_with(ec);
}

std::error_code TcpConnection::close_with(std::error_code reason) {
  inbox_.close(reason);
  // shutdown(2), not close(2): it wakes a poll, recv or send blocked on another thread,
  // and the descriptor cannot be reused under them.
  if (!shut_.exchange(true)) ::shutdown(fd_, SHUT_RDWR);
  return inbox_.reason();
}

bool TcpConnection::flush(std::chrono::milliseconds) const { return true; }

bool TcpConnection::peer_gone() const noexcept {
  if (shut_.load()) return true;
  // POLLRDHUP: the peer's FIN has arrived, whether or not the bytes before it were read.
  pollfd p{fd_, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

std::uint64_t TcpConnection::bytes_received() const noexcept {
  int waiting = 0;  // (fd_ stays open until the destructor)
  if (::ioctl(fd_, FIONREAD, &waiting) != 0 || waiting < 0) waiting = 0;
  return received_.load(std::memory_order_relaxed) + static_cast<std::uint64_t>(waiting);
}

std::string peer_host(const Endpoint& endpoint) {
  std::string name = endpoint.peer();
  std::size_t colon = name.rfind(':');
  if (colon == std::string::npos || colon == 0) return name;
  for (std::size_t i = colon + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return name;
  }
  return name.substr(0, colon);
}

std::shared_ptr<TcpConnection> connect_to(asio::io_context& io, const std::string& host,
                                          std::uint16_t port, const Hello& hello,
                                          std::chrono::milliseconds timeout,
                                          ConnectionOptions options) {
  std::string where = host + ":" + std::to_string(port);
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto targets = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw Error("compss: cannot resolve " + where + ": " + ec.message());
  // A peer that is not listening yet (a worker started before its master) is tried again
  // until the time-out.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::shared_ptr<tcp::socket> socket;
  for (;;) {
    socket = std::make_shared<tcp::socket>(io);
    auto done = std::make_shared<std::promise<boost::system::error_code>>();
    std::future<boost::system::error_code> result = done->get_future();
    asio::async_connect(*socket, targets,
                        [done](const boost::system::error_code& e, const tcp::endpoint&) {
                          done->set_value(e);
                        });
    if (result.wait_until(deadline) != std::future_status::ready) {
      asio::post(io, [socket] {
        boost::system::error_code ignored;
        socket->close(ignored);
      });
      result.wait();
      throw Error("compss: cannot connect to " + where + ": timed out");
    }
    ec = result.get();
    if (ec == asio::error::connection_refused && options.retry_refused &&
        std::chrono::steady_clock::now() + std::chrono::milliseconds(100) < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    break;
  }
  if (ec) throw Error("compss: cannot connect to " + where + ": " + ec.message());
  auto c = std::make_shared<TcpConnection>(std::move(*socket), std::move(options));
  c->start();
  c->send(hello);
  return c;
}

}  // namespace compss::net
