#include "net/peer_fetch.hpp"

#include "net/test_pause.hpp"
#include "net/worker.hpp"

#include <compss/error.hpp>

#include <algorithm>

namespace compss::net {

PeerFetcher::PeerFetcher(boost::asio::io_context& io, PeerFetchOptions options)
    : io_(io), options_(std::move(options)), silence_timeout_(options_.silence_timeout) {
  if (!options_.connection.pause) options_.connection.pause = pause_in_transfer_from_env();
}

std::error_code PeerFetcher::receive_reply(TcpConnection& c, Message& m,
                                           const detail::SinkFactory& make_sink) {
  const auto silence = silence_timeout_.load();
  if (silence.count() <= 0) return c.receive(m, options_.reply_timeout, make_sink);
  // In slices of the silence time-out: a slice in which bytes arrived (a large value on
  // its way) is followed by another, up to the reply time-out in all.
  const auto deadline = std::chrono::steady_clock::now() + options_.reply_timeout;
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return NetError::timed_out;
    const std::uint64_t before = c.bytes_received();
    std::error_code ec = c.receive(m, std::min(left, silence), make_sink);
    if (ec != NetError::timed_out || c.bytes_received() == before) return ec;
  }
}

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
                        const detail::SinkFactory& make_sink,
                        std::shared_ptr<const detail::HeldValue>& out, std::string& why) {
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
    if (!ec) ec = receive_reply(*c, m, make_sink);
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
    out = reply->take_value();
    return true;
  }
  why = "the connection to " + source + " closed";
  return false;
}

void PeerFetcher::fetch_many(const std::string& source,
                             std::span<const std::pair<std::uint64_t, std::uint64_t>> versions,
                             const std::function<void(std::size_t, const detail::HeldValue*)>& each,
                             std::size_t window) {
  std::size_t answered = 0;
  auto fail_rest = [&] {
    for (; answered < versions.size(); ++answered) each(answered, nullptr);
  };
  if (versions.empty()) return;
  bool cached = false;
  std::shared_ptr<TcpConnection> c;
  try {
    c = take(source, cached);
  } catch (const std::exception&) {
    fail_rest();
    return;
  }
  // Requests are small and never more than `window` ahead of the answers read, so neither
  // side blocks writing while the other does too.
  std::size_t sent = 0;
  while (answered < versions.size()) {
    for (; sent < versions.size() && sent - answered < std::max<std::size_t>(window, 1); ++sent) {
      if (c->send(DataFetchRequest{versions[sent].first, versions[sent].second})) break;
    }
    Message m;
    std::error_code ec = receive_reply(*c, m, {});
    auto* reply = ec ? nullptr : std::get_if<DataFetchReply>(&m);
    if (reply == nullptr || reply->data_id != versions[answered].first ||
        reply->version != versions[answered].second) {
      c->close();
      fail_rest();
      return;
    }
    std::shared_ptr<const detail::HeldValue> value;
    if (reply->found) value = reply->take_value();
    each(answered, value.get());
    ++answered;
  }
  give_back(source, c);
}

std::size_t PeerFetcher::cached_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace compss::net
