#include "observe/monitor_server.hpp"

#include <compss/error.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace compss::rt::observe {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// The event streams under way, each on a thread of its own that owns its connection (a
/// plain descriptor written with poll and non-blocking send: nothing of it is shared with
/// the server's io_context, so no Asio object is used from two threads).
///
/// Thread-safety: start() and full() from the server's thread only; stop() after that
/// thread ended. mutex_ is a leaf: never held while a stream writes or builds its events.
class EventStreams {
 public:
  ~EventStreams() { stop(); }

  bool full() {
    std::lock_guard lock(mutex_);
    reap();
    return running_.size() >= MonitorServer::max_streams;
  }

  /// Sends the headers then runs `stream` on a thread of its own, which owns `socket`.
  void start(tcp::socket socket, EventStream stream) {
    beast::error_code ec;
    const int fd = ::dup(socket.native_handle());  // ours; the Asio socket is closed here
    socket.close(ec);
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard lock(mutex_);
    running_.push_back({std::thread([this, fd, done, stream = std::move(stream)] {
                          Writer writer(*this, fd);
                          if (writer.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                           "Cache-Control: no-store\r\nConnection: close\r\n\r\n")) {
                            try {
                              stream(writer);
                            } catch (const std::exception&) {  // the client sees the stream end
                            }
                          }
                          ::shutdown(fd, SHUT_RDWR);
                          ::close(fd);
                          std::lock_guard lock(mutex_);
                          *done = true;
                          wake_.notify_all();
                        }),
                        done});
  }

  /// Asks the streams to end (their wait() says so; they may still write) and waits at
  /// most `grace` for them to end.
  void finish(std::chrono::milliseconds grace) {
    std::unique_lock lock(mutex_);
    finishing_ = true;
    wake_.notify_all();
    wake_.wait_for(lock, grace, [this] {
      for (const Running& r : running_)
        if (!*r.done) return false;
      return true;
    });
  }

  /// Ends every stream (their wait() and write() say so) and waits for their threads.
  void stop() {
    std::vector<Running> running;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      running.swap(running_);
    }
    wake_.notify_all();
    for (Running& r : running) r.thread.join();
  }

 private:
  struct Running {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  class Writer : public EventStreamWriter {
   public:
    Writer(EventStreams& owner, int fd) : owner_(owner), fd_(fd) {}

    bool write(std::string_view text) override {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (!text.empty()) {
        if (owner_.stopping()) return false;
        const ssize_t n = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
          text.remove_prefix(static_cast<std::size_t>(n));
          continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
        if (std::chrono::steady_clock::now() > deadline) return false;  // a client that reads nothing
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, 200);  // (short: stop() is noticed soon)
      }
      return true;
    }

    bool wait(std::chrono::milliseconds pause) override {
      {
        std::unique_lock lock(owner_.mutex_);
        if (owner_.wake_.wait_for(lock, pause, [this] { return owner_.stopping_ || owner_.finishing_; }))
          return false;
      }
      // The client closed (a browser leaving the page): it reads as an end of input.
      pollfd p{fd_, POLLIN | POLLRDHUP, 0};
      if (::poll(&p, 1, 0) > 0) {
        if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return false;
        char sink[512];
        if (::recv(fd_, sink, sizeof sink, MSG_DONTWAIT) == 0) return false;  // (anything sent is ignored)
      }
      return true;
    }

   private:
    EventStreams& owner_;
    int fd_;
  };

  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }
  /// Joins the streams that ended (mutex_ held).
  void reap() {
    for (std::size_t i = 0; i < running_.size();) {
      if (*running_[i].done) {
        running_[i].thread.join();
        running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool finishing_ = false;
  std::vector<Running> running_;
};

/// One connection: reads a request, writes the answer, closes (or hands it to a stream).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler, EventStreams& streams)
      : stream_(std::move(socket)), handler_(handler), streams_(streams) {}

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
    if (reply.stream && reply.status == 200 && request_.method() == http::verb::get) {
      if (!streams_.full()) {
        streams_.start(stream_.release_socket(), std::move(reply.stream));
        return;
      }
      reply = {503, "text/plain; charset=utf-8",
               "compss monitor: too many event streams open (at most " + std::to_string(MonitorServer::max_streams) +
                   "): close a monitor page, or poll /api/state\n"};
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
  EventStreams& streams_;
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
  EventStreams streams;
  bool stopped = false;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<Session>(std::move(socket), handler, streams)->run();
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

void MonitorServer::finish_streams(std::chrono::milliseconds grace) { state_->streams.finish(grace); }

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
  state_->streams.stop();  // (after the server's thread: no stream starts any more)
}

}  // namespace compss::rt::observe
