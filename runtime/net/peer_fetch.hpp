// PeerFetcher: the client side of data transfers from a node's data listener: a worker
// fetching its inputs from another worker, the master fetching values it waits for.
#pragma once

#include "net/tcp_connection.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <atomic>
#include <span>
#include <string>
#include <vector>

namespace compss::net {

/// How a PeerFetcher introduces itself and how long it waits.
///
///   PeerFetchOptions o{.hello = {.secret = secret, .node_name = "w1"}};
struct PeerFetchOptions {
  /// Sent on every new connection; its secret must be the run's.
  Hello hello;
  std::chrono::milliseconds connect_timeout{10'000};
  /// Longest wait for one DataFetchReply (values can be large).
  std::chrono::milliseconds reply_timeout{120'000};
  /// Longest wait without receiving a byte of the reply (zero: only reply_timeout): a
  /// stopped or hung peer is given up on as soon as the master declares it lost.
  std::chrono::milliseconds silence_timeout{0};
  ConnectionOptions connection;
};

/// Fetches data versions from other nodes' data listeners (PeerServer) with
/// DataFetchRequest/DataFetchReply. Connections are cached per peer and reused; each
/// fetch uses a connection no other fetch is using, so fetches run in parallel.
/// Thread-safe.
///
///   PeerFetcher peers(io.context(), {.hello = hello});
///   std::shared_ptr<const detail::HeldValue> value;
///   std::string why;
///   if (!peers.fetch("10.0.0.7:41234", 4, 2, nullptr, value, why)) report(why);
class PeerFetcher {
 public:
  PeerFetcher(boost::asio::io_context& io, PeerFetchOptions options);
  ~PeerFetcher();
  PeerFetcher(const PeerFetcher&) = delete;
  PeerFetcher& operator=(const PeerFetcher&) = delete;

  /// Copies version `version` of `data_id` from the node at `source` ("host:port" or
  /// "[v6]:port") into `out`; a large value is placed by a sink from `make_sink` (null:
  /// as bytes; see TcpConnection::receive). Returns false with the reason in `why` when
  /// the peer cannot be reached, does not answer within the reply timeout, or does not
  /// hold it.
  ///
  ///   bool ok = peers.fetch(source, id, version, sink_maker<Matrix>(), value, why);
  bool fetch(const std::string& source, std::uint64_t data_id, std::uint64_t version,
             const detail::SinkFactory& make_sink, std::shared_ptr<const detail::HeldValue>& out,
             std::string& why);

  /// Fetches many versions from one node over one connection, keeping up to `window`
  /// requests in flight (the node answers in order while later requests travel). For
  /// each version, in order, `each(i, value)` runs on this thread with its value (held
  /// as bytes), or null when the node does not hold it or the connection failed.
  ///
  ///   peers.fetch_many(source, versions, [&](std::size_t i, const detail::HeldValue* v) {...});
  void fetch_many(const std::string& source,
                  std::span<const std::pair<std::uint64_t, std::uint64_t>> versions,
                  const std::function<void(std::size_t, const detail::HeldValue*)>& each,
                  std::size_t window = 64);

  /// Sets PeerFetchOptions::silence_timeout (a worker learns it from its master's
  /// Heartbeat, after the fetcher was made). Applies to the replies waited for from then.
  ///
  ///   peers.set_silence_timeout(std::chrono::seconds(10));
  void set_silence_timeout(std::chrono::milliseconds t) noexcept { silence_timeout_.store(t); }

  /// Connections currently idle in the cache (for tests).
  ///
  ///   EXPECT_EQ(peers.cached_connections(), 1u);
  std::size_t cached_connections() const;

 private:
  std::shared_ptr<TcpConnection> take(const std::string& source, bool& cached);
  void give_back(const std::string& source, std::shared_ptr<TcpConnection> c);
  /// Receives a reply within the reply time-out, giving up early (NetError::timed_out)
  /// when no byte came for the silence time-out.
  std::error_code receive_reply(TcpConnection& c, Message& m, const detail::SinkFactory& make_sink);

  boost::asio::io_context& io_;
  PeerFetchOptions options_;
  std::atomic<std::chrono::milliseconds> silence_timeout_;
  mutable std::mutex mutex_;
  std::multimap<std::string, std::shared_ptr<TcpConnection>> idle_;
};

}  // namespace compss::net
