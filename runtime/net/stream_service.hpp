// The master's stream service (docs/streams.md, "Streams across workers"): stream tasks
// that run on workers send each operation on a stream (publish, poll, close...) here, and
// it is applied to the stream's channel, which lives in the master's memory. So every
// guarantee of a stream (per-producer order, at_most_once across consumers, bounded
// buffer, close and a failed producer's error) holds across machines as it does in one
// process: there is one buffer, one lock, whoever the consumers are.
#pragma once

#include "net/listener.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace compss::net {

/// Applies one call to this process's stream (found by id) and returns the answer. Blocks
/// as the operation does (a publish on a full stream until there is room, a poll up to
/// its time-out). A compss::Error of the operation (a closed stream, a stale attempt, a
/// failed producer's error) is returned in `error`, not thrown.
///
///   StreamReply r = answer_stream_call(call);
StreamReply answer_stream_call(const StreamCall& call);

/// Answers StreamCalls on `peer`, one at a time, until it closes.
///
///   std::thread t([ep] { serve_stream_calls(*ep); });
void serve_stream_calls(Endpoint& peer);

/// Listens for workers' stream connections (they say Hello with the run's secret, as on
/// any Listener) and serves each on a thread of its own. While it exists,
/// detail::stream_service_port() is its port, which tickets carry to workers.
///
/// Threads: one accepts (joined by the destructor); one per connection, detached: it may
/// be blocked in a publish on a full stream for a worker that died, which nothing would
/// ever end (it owns only its connection and the channel; the process's end ends it). The
/// destructor closes every connection, which ends the others. `mutex_` guards `peers_`.
///
///   StreamService service(io.context(), {.address = "0.0.0.0", .secret = secret});
class StreamService {
 public:
  /// Binds like Listener; throws compss::Error when the address cannot be bound.
  StreamService(boost::asio::io_context& io, ListenerOptions options);
  ~StreamService();
  StreamService(const StreamService&) = delete;
  StreamService& operator=(const StreamService&) = delete;

  std::uint16_t port() const noexcept { return listener_.port(); }

 private:
  Listener listener_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::weak_ptr<Endpoint>> peers_;
  std::thread acceptor_;
};

}  // namespace compss::net
