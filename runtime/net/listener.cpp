#include "net/listener.hpp"

#include "net/secret_compare.hpp"

#include <compss/error.hpp>

#include <boost/asio/post.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>

namespace compss::net {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, ListenerOptions options)
    : acceptor_(io), retry_(io), options_(std::move(options)), state_(std::make_shared<State>()) {
  std::string where = options_.address + ":" + std::to_string(options_.port);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) throw Error("compss: invalid listen address '" + options_.address + "': " + ec.message());
  tcp::endpoint at(address, options_.port);
  acceptor_.open(at.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw Error("compss: cannot listen on " + where + ": " + ec.message());
  start();
}

Listener::Listener(asio::io_context& io, int listening_fd, ListenerOptions options)
    : acceptor_(io), retry_(io), options_(std::move(options)), state_(std::make_shared<State>()) {
  std::string what = "compss: cannot use inherited listening socket fd " +
                     std::to_string(listening_fd) + ": ";
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(listening_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw Error(what + std::strerror(errno));
  }
  if (addr.ss_family != AF_INET && addr.ss_family != AF_INET6) {
    throw Error(what + "not a TCP/IP socket");
  }
  int listening = 0;
  len = sizeof listening;
  if (getsockopt(listening_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
    throw Error(what + "it is not listening");
  }
  boost::system::error_code ec;
  acceptor_.assign(addr.ss_family == AF_INET ? tcp::v4() : tcp::v6(), listening_fd, ec);
  if (ec) throw Error(what + ec.message());
  start();
}

std::string Listener::address() const {
  boost::system::error_code ec;
  tcp::endpoint at = acceptor_.local_endpoint(ec);
  return ec ? std::string("127.0.0.1") : at.address().to_string();
}

void Listener::start() {
  port_ = acceptor_.local_endpoint().port();
  asio::post(acceptor_.get_executor(), [this] { accept_next(); });
}

Listener::~Listener() {
  // Close on the io thread and wait, so no accept handler runs after `this` is gone.
  std::promise<void> closed;
  asio::post(acceptor_.get_executor(), [this, &closed] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
    // An accept or a pause that completed before the close is queued already: it runs
    // first (one io thread, in order), while `this` is alive, and sees the acceptor closed.
    asio::post(acceptor_.get_executor(), [&closed] { closed.set_value(); });
  });
  closed.get_future().wait();
}

void Listener::accept_next() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      pause_after(ec);
      return;
    }
    if (failing_ > 0 && options_.connection.log) {
      options_.connection.log("accepting connections on port " + std::to_string(port_) +
                              " again, after " + std::to_string(failing_) + " failed attempt(s)");
    }
    failing_ = 0;
    pause_ = std::chrono::milliseconds(0);
    admit(std::move(socket));
    accept_next();
  });
}

void Listener::pause_after(const boost::system::error_code& ec) {
  ++accept_failures_;
  if (failing_++ == 0 && options_.connection.log) {
    options_.connection.log("cannot accept connections on port " + std::to_string(port_) + ": " +
                            ec.message() + " (trying again after pauses of up to 1 s; the "
                            "connections already made go on)");
  }
  using std::chrono::milliseconds;
  pause_ = std::clamp(pause_ * 2, milliseconds(50), milliseconds(1000));
  retry_.expires_after(pause_);
  retry_.async_wait([this](const boost::system::error_code& waited) {
    // (Cancelled by the destructor: `this` may be gone, touch nothing.)
    if (waited == asio::error::operation_aborted || !acceptor_.is_open()) return;
    accept_next();
  });
}

void Listener::admit(tcp::socket socket) {
  auto c = std::make_shared<TcpConnection>(std::move(socket), options_.connection);
  std::weak_ptr<State> state = state_;
  auto secret = options_.secret;
  auto gate = [state, secret](const Message& m) -> std::error_code {
    const Hello* h = std::get_if<Hello>(&m);
    std::error_code bad;
    if (h == nullptr) {
      bad = NetError::expected_hello;
    } else if (!same_secret(h->secret, secret)) {  // (constant time)
      bad = NetError::bad_secret;
    }
    if (bad) {
      if (auto s = state.lock()) ++s->rejected;
    }
    return bad;
  };
  auto admit = [state](std::shared_ptr<TcpConnection> conn) {
    if (auto s = state.lock()) {
      Refused refuse;
      Rejoin rejoin;
      {
        std::lock_guard lock(s->mutex);
        if (s->refuse) {
          refuse = s->refuse;
          rejoin = s->rejoin;
        } else {
          s->admitted.push_back(conn);
        }
      }
      if (refuse) State::refuse_one(refuse, rejoin, conn);
      else s->ready.notify_one();
    }
  };
  c->start(gate, options_.hello_timeout, admit);
}

void Listener::State::refuse_one(const Refused& refuse, const Rejoin& rejoin,
                                 const std::shared_ptr<Endpoint>& c) {
  Message m;
  if (!c->receive(m, std::chrono::milliseconds(0))) {
    if (const Hello* h = std::get_if<Hello>(&m)) {
      if (rejoin && rejoin(*h, c)) return;
      refuse(*h, c->peer());
    }
  }
  c->close();
}

void Listener::refuse_from_now(Refused on_refused, Rejoin rejoin) {
  std::deque<std::shared_ptr<Endpoint>> waiting;
  {
    std::lock_guard lock(state_->mutex);
    state_->refuse = on_refused;
    state_->rejoin = rejoin;
    waiting.swap(state_->admitted);
  }
  for (auto& c : waiting) State::refuse_one(on_refused, rejoin, c);
}

std::shared_ptr<Endpoint> Listener::accept(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  if (!state_->ready.wait_for(lock, timeout, [&] { return !state_->admitted.empty(); })) {
    return nullptr;
  }
  auto c = std::move(state_->admitted.front());
  state_->admitted.pop_front();
  return c;
}

}  // namespace compss::net
