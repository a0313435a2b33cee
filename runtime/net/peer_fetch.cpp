#include "net/peer_fetch.hpp"

#include "net/worker.hpp"

#include <compss/error.hpp>

namespace compss::net {

PeerFetcher::PeerFetcher(boost::asio::io_context& io, PeerFetchOptions options)
    : io_(io), options_(std::move(options)) {}

PeerFetcher::~PeerFetcher() {
  std::lock_guard lock(mutex_);
  for (auto& [source, c] : idle_) c->close();
}

std::shared_ptr<TcpConnection> PeerFetcher::take(const std::string& source, bool& cached) {
  cached = false;
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(source);
    if (it != idle_.end()) {
      auto c = std::move(it->second);
      idle_.erase(it);
      cached = true;
      return c;
    }
  }
  WorkerSettings at = parse_worker_address(source, "source");
  ConnectionOptions options = options_.connection;
  options.retry_refused = false;  // its data listener was up before its address was known
  return connect_to(io_, at.host, at.port, options_.hello, options_.connect_timeout, options);
}

void PeerFetcher::give_back(const std::string& source, std::shared_ptr<TcpConnection> c) {
  std::lock_guard lock(mutex_);
  idle_.emplace(source, std::move(c));
}

bool PeerFetcher::fetch(const std::string& source, std::uint64_t data_id, std::uint64_t version,
                        std::vector<std::byte>& out, std::string& why) {
  // A cached connection may have been closed by the peer since: then one fresh attempt.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool cached = false;
    std::shared_ptr<TcpConnection> c;
    try {
      c = take(source, cached);
    } catch (const std::exception& e) {
      why = e.what();
      return false;
    }
    Message m;
    std::error_code ec = c->send(DataFetchRequest{data_id, version});
    // One request at a time per connection: the next message is our reply.
    if (!ec) ec = c->receive(m, options_.reply_timeout);
    if (ec) {
      c->close();
      if (cached && ec == NetError::closed) continue;
      why = "no answer from " + source + ": " + ec.message();
      return false;
    }
    auto* reply = std::get_if<DataFetchReply>(&m);
    if (reply == nullptr || reply->data_id != data_id || reply->version != version) {
      c->close();
      why = "unexpected answer from " + source;
      return false;
    }
    give_back(source, c);
    if (!reply->found) {
      why = source + " does not hold it";
      return false;
    }
    out = std::move(reply->value);
    return true;
  }
  why = "the connection to " + source + " closed";
  return false;
}

std::size_t PeerFetcher::cached_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace compss::net
