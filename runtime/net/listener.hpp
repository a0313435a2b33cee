// Listener: accepts TCP connections and admits those whose hello carries the run's secret.
#pragma once

#include "net/tcp_connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace compss::net {

/// Where to listen and whom to admit.
///
///   ListenerOptions o{.address = "0.0.0.0", .port = 43000, .secret = secret};
struct ListenerOptions {
  /// Bind address; loopback unless a run spans machines.
  std::string address = "127.0.0.1";
  /// 0 picks a free port (see Listener::port()).
  std::uint16_t port = 0;
  /// Every connection's first message must be a Hello carrying exactly this secret.
  std::string secret;
  std::chrono::milliseconds hello_timeout{5000};
  ConnectionOptions connection;
};

/// Accepts connections on one address. A connection that sends anything but a Hello with
/// the secret, sends a malformed frame, or stays silent past the hello timeout is closed
/// and logged; the listener keeps serving the others. When accepting fails (out of file
/// descriptors: EMFILE, ENFILE; out of memory), the listener says so once (through
/// `options.connection.log`), tries again after a pause that doubles from 50 ms to 1 s,
/// and says when it accepts again; connections already made go on meanwhile. (Retrying at
/// once would spin: the waiting connection keeps the socket readable.)
///
/// Thread-safety: accept(), rejected() and refuse_from_now() from any thread; the accept
/// loop runs on the io thread only.
///
///   IoThread io;
///   Listener listener(io.context(), {.secret = "s3cret"});
///   std::shared_ptr<Endpoint> worker = listener.accept(std::chrono::seconds(10));
class Listener {
 public:
  /// Binds and starts accepting; throws compss::Error when the address cannot be bound.
  Listener(boost::asio::io_context& io, ListenerOptions options);

  /// Adopts `listening_fd`, a TCP socket already bound and listening (the master's
  /// COMPSS_LISTEN_FD, created by compss-run); `options.address` and `options.port` are
  /// ignored. The listener owns the fd from then on. Throws compss::Error naming the fd
  /// when it is not a listening TCP socket (the fd then stays the caller's).
  ///
  ///   Listener master(io.context(), 3, {.secret = secret});
  Listener(boost::asio::io_context& io, int listening_fd, ListenerOptions options);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  /// The bound port.
  ///
  ///   std::uint16_t p = listener.port();
  std::uint16_t port() const noexcept { return port_; }

  /// The bound address ("127.0.0.1", "0.0.0.0"...), e.g. to bind another listener where
  /// this one's peers reach it.
  ///
  ///   ListenerOptions o{.address = listener.address()};
  std::string address() const;

  /// The next admitted connection (its Hello is its first received message), or nullptr
  /// after `timeout`.
  ///
  ///   auto c = listener.accept(std::chrono::seconds(5));
  std::shared_ptr<Endpoint> accept(std::chrono::milliseconds timeout);

  /// From now on, admitted connections are not kept for accept(): each is closed at once
  /// and reported to `on_refused(hello, peer)` (on the io thread), and so are those
  /// admitted but not accepted yet (reported on the caller's thread, before this returns). The master calls it once its workers are in: a late
  /// worker, or a lost one trying to come back, is refused (docs/distributed.md).
  ///
  ///   listener.refuse_from_now([](const Hello& h, const std::string& peer) { log(h, peer); });
  ///
  /// With `rejoin`, each such connection is first offered to it (on the same thread, its
  /// Hello already read): when it returns true it took the connection (a restarted worker
  /// coming back: docs/failures.md, "Restarting a worker"); else it is refused as above.
  /// `rejoin` must not block.
  using Refused = std::function<void(const Hello&, const std::string&)>;
  using Rejoin = std::function<bool(const Hello&, const std::shared_ptr<Endpoint>&)>;
  void refuse_from_now(Refused on_refused, Rejoin rejoin = {});

  /// Connections whose first message was not a Hello with the secret (malformed frames
  /// and silent peers are closed and logged too, but not counted here).
  ///
  ///   EXPECT_EQ(listener.rejected(), 1u);
  std::size_t rejected() const noexcept { return state_->rejected.load(); }

  /// Failed accept attempts (each one paused the loop) since the listener started.
  ///
  ///   EXPECT_LT(listener.accept_failures(), 10u);
  std::size_t accept_failures() const noexcept { return accept_failures_.load(); }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::shared_ptr<Endpoint>> admitted;
    std::atomic<std::size_t> rejected{0};
    Refused refuse;  // set: admitted connections are refused (guarded by mutex)
    Rejoin rejoin;   // (guarded by mutex) offered each of them first
    /// Offers `c` to `rejoin`; else closes it and reports its Hello (its first message)
    /// to `refuse`.
    static void refuse_one(const Refused& refuse, const Rejoin& rejoin,
                           const std::shared_ptr<Endpoint>& c);
  };
  void start();
  void accept_next();
  /// After a failed accept: logs the first of a run of failures, then waits and re-arms.
  void pause_after(const boost::system::error_code& ec);
  void admit(boost::asio::ip::tcp::socket socket);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // the pause after a failed accept
  ListenerOptions options_;
  std::uint16_t port_ = 0;
  std::shared_ptr<State> state_;
  // io thread only: the current pause, and failures since the last accept.
  std::chrono::milliseconds pause_{0};
  std::size_t failing_ = 0;
  std::atomic<std::size_t> accept_failures_{0};
};

}  // namespace compss::net
