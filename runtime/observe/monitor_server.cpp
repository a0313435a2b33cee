#include "observe/monitor_server.hpp"

#include <compss/error.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <thread>

namespace compss::rt::observe {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// One connection: reads a request, writes the answer, closes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler) : stream_(std::move(socket)), handler_(handler) {}

  void run() {
    stream_.expires_after(std::chrono::seconds(10));  // a silent client is dropped
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return;
    HttpReply reply;
    if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
      reply = {405, "text/plain; charset=utf-8", "read-only: GET only\n"};
    } else {
      try {
        reply = handler_(std::string_view(request_.target().data(), request_.target().size()));
      } catch (const std::exception& e) {
        reply = {500, "text/plain; charset=utf-8", std::string("monitor error: ") + e.what() + "\n"};
      }
    }
    response_.version(request_.version());
    response_.result(static_cast<http::status>(reply.status));
    response_.set(http::field::content_type, reply.content_type);
    response_.set(http::field::cache_control, "no-store");
    response_.keep_alive(false);
    if (request_.method() != http::verb::head) response_.body() = std::move(reply.body);
    response_.prepare_payload();
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  const HttpHandler& handler_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

struct MonitorServer::State {
  HttpHandler handler;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
  bool stopped = false;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<Session>(std::move(socket), handler)->run();
      if (acceptor.is_open()) accept();
    });
  }
};

MonitorServer::MonitorServer(const std::string& address, std::uint16_t port, HttpHandler handler)
    : state_(std::make_unique<State>()) {
  state_->handler = std::move(handler);
  const std::string where = address + ":" + std::to_string(port);
  beast::error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) throw Error("compss: the monitor cannot listen on " + where + ": not an IP address");
  tcp::endpoint endpoint(ip, port);
  auto fail = [&](const char* step) {
    throw Error("compss: the monitor cannot listen on " + where + " (" + step + "): " + ec.message() +
                (ec == asio::error::address_in_use
                     ? " (another program uses that port: choose another with --monitor=PORT or "
                       "COMPSS_MONITOR=PORT, or 0 for any free port)"
                     : ""));
  };
  state_->acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  state_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  state_->acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  state_->accept();
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

MonitorServer::~MonitorServer() { stop(); }

std::uint16_t MonitorServer::port() const noexcept {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void MonitorServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  asio::post(state_->io, [s = state_.get()] {
    beast::error_code ignored;
    s->acceptor.close(ignored);
  });
  state_->io.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

}  // namespace compss::rt::observe
