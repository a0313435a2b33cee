#include "net/tcp_connection.hpp"

#include <compss/error.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>
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
      gate_timer_(socket_.get_executor()),
      options_(std::move(options)),
      peer_(endpoint_name(socket_)) {
  if (!options_.log) options_.log = [](const std::string&) {};
  // Small messages (task requests, replies) go out at once, not after Nagle's delay.
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
}

TcpConnection::~TcpConnection() { inbox_.close(NetError::closed); }

void TcpConnection::start(Gate gate, std::chrono::milliseconds gate_timeout, Admit admit) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), gate = std::move(gate),
                                      gate_timeout, admit = std::move(admit)]() mutable {
    if (gate) {
      self->gate_ = std::move(gate);
      self->admit_ = std::move(admit);
      self->admitted_ = false;
      self->gate_timer_.expires_after(gate_timeout);
      self->gate_timer_.async_wait([self](const boost::system::error_code& ec) {
        if (!ec && !self->admitted_) {
          self->fail(NetError::hello_timeout, "no hello");
        }
      });
    }
    self->read_header();
  });
}

void TcpConnection::read_header() {
  asio::async_read(socket_, asio::buffer(header_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     if (ec) {
                       self->close_now(NetError::closed);
                       return;
                     }
                     std::uint64_t limit = self->admitted_ ? self->options_.max_payload
                                                           : self->options_.max_hello_payload;
                     if (auto bad = decode_header(self->header_, self->frame_, limit)) {
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
                     if (ec) {
                       self->close_now(NetError::closed);
                       return;
                     }
                     Message m;
                     if (auto bad = decode_payload(self->frame_.type, self->payload_, m)) {
                       self->fail(bad, "bad message");
                       return;
                     }
                     self->payload_ = {};
                     self->on_message(std::move(m));
                   });
}

void TcpConnection::on_message(Message m) {
  if (!admitted_) {
    if (auto bad = gate_(m)) {
      fail(bad, "rejected");
      return;
    }
    admitted_ = true;
    gate_timer_.cancel();
    inbox_.push(std::move(m));
    if (admit_) admit_(shared_from_this());
  } else {
    inbox_.push(std::move(m));
  }
  read_header();
}

std::error_code TcpConnection::send(const Message& m) {
  if (inbox_.closed()) return NetError::closed;
  ++unsent_;
  asio::post(socket_.get_executor(), [self = shared_from_this(), frame = encode(m)]() mutable {
    if (!self->socket_.is_open()) {
      --self->unsent_;
      return;
    }
    self->writes_.push_back(std::move(frame));
    if (!self->writing_) self->write_next();
  });
  return {};
}

void TcpConnection::write_next() {
  if (writes_.empty()) {
    writing_ = false;
    if (closing_) close_now(NetError::closed);
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(writes_.front()),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      // Closed meanwhile (a read failed): close_now already dropped the
                      // queue this write belonged to, even if the write itself succeeded.
                      if (ec || !self->socket_.is_open() || self->writes_.empty()) {
                        self->close_now(NetError::closed);
                        return;
                      }
                      self->writes_.pop_front();
                      --self->unsent_;
                      self->write_next();
                    });
}

std::error_code TcpConnection::receive(Message& out, std::chrono::milliseconds timeout) {
  return inbox_.pop(out, timeout);
}

void TcpConnection::close() noexcept {
  inbox_.close(NetError::closed);
  if (auto self = weak_from_this().lock()) {
    // Queued writes go out before the socket closes, so a final Shutdown is delivered.
    asio::post(socket_.get_executor(), [self] {
      if (self->writing_) {
        self->closing_ = true;  // write_next closes once the queue is empty
      } else {
        self->close_now(NetError::closed);
      }
    });
  }
}

void TcpConnection::fail(std::error_code ec, const std::string& what) {
  options_.log("closing connection from " + peer_ + ": " + what + ": " + ec.message());
  close_now(ec);
}

void TcpConnection::close_now(std::error_code reason) {
  inbox_.close(reason);
  gate_timer_.cancel();
  if (socket_.is_open()) {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  unsent_ -= writes_.size();
  writes_.clear();
  writing_ = false;
}

bool TcpConnection::flush(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (unsent_.load() != 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
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
    if (ec == asio::error::connection_refused &&
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
