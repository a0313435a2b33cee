// The master's stream service (docs/streams.md, "Streams across workers"): stream tasks
// that run on workers send each operation on a stream (publish, poll, close...) here, and
// it is applied to the stream's channel, which lives in the master's memory. So every
// guarantee of a stream (per-producer order, at_most_once across consumers, bounded
// buffer, close and a failed producer's error) holds across machines as it does in one
// process: there is one buffer, one lock, whoever the consumers are.
#pragma once

#include "net/listener.hpp"

#include <compss/detail/stream_channel.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace compss::net {

/// Applies one call to this process's stream (found by id), or to the elements it holds
/// (fetch, release, hand_over, locate: net/stream_elements.hpp), and returns the answer.
/// Blocks as the operation does (a publish on a full stream until there is room, a poll
/// up to its time-out). A compss::Error of the operation (a closed stream, a stale
/// attempt, a failed producer's error) is returned in `error`, not thrown. `from_host`:
/// the caller's host (references it sends are held there); a poll's elements are moved to
/// `sent` (the caller keeps them until its next call). `connection`: the caller's
/// connection (serve_stream_calls numbers them; an at_most_once batch is given back when
/// the connection that last polled or confirmed for its place ends: net/stream_batches.hpp).
///
///   StreamReply r = answer_stream_call(call, "10.0.0.7", nullptr);
StreamReply answer_stream_call(StreamCall& call, const std::string& from_host,
                               std::vector<detail::StreamPort::Element>* sent,
                               std::uint64_t connection = 0);

/// The most bytes of elements one poll's reply carries or refers to (at least one
/// element): 16 MiB, well below the frame bound, and few enough that a consumer of large
/// elements does not take a whole buffer while the others wait; the rest waits for the
/// next poll. (Tests make it small.)
void set_stream_reply_budget(std::size_t bytes) noexcept;

/// Producer slots whose published references the master remembers for their retries
/// (the log of a slot is erased once its task ended for good, its slot closed with none of
/// its references left in the channel, or its stream is gone; for tests).
std::size_t producer_log_count();

/// `base` for a stream connection (the master's service, a worker's stream endpoint, and
/// the connections to them): a receive sleeps in poll(2) at once, no spin. A receiving
/// thread that spins yields its CPU between checks and stays runnable, so on a loaded
/// machine the data that arrives meanwhile waits for the other threads' time slices
/// (milliseconds) instead of waking it at once; every element between workers crosses 4
/// such receives per poll (poll, its answer, the at_most_once confirmation, its answer).
///
///   connect_to(io, host, port, hello, timeout, stream_connection_options());
ConnectionOptions stream_connection_options(ConnectionOptions base = {});

/// Answers StreamCalls on `peer`, one at a time, until it closes.
///
///   std::thread t([ep] { serve_stream_calls(*ep); });
void serve_stream_calls(Endpoint& peer);

/// Listens for stream connections (peers say Hello with the run's secret, as on any
/// Listener) and serves each on a thread of its own.
///
/// Two roles. The master's service (Role::master): workers' stream tasks call it for
/// every operation; while it exists, detail::stream_service_port() is its port (tickets
/// carry it), this process can connect to workers' stream endpoints (to fetch elements
/// the program polls, and to tell holders what they may drop: a thread sends the queued
/// releases every 50 ms). A worker's stream endpoint (Role::elements): serves the elements
/// its stream tasks published to the consumers that fetch them (net/stream_elements.hpp).
///
/// Threads: one accepts (joined by the destructor); the master's one sends releases
/// (joined); one per connection, detached: it may be blocked in a publish on a full
/// stream for a worker that died, which nothing would ever end (it owns only its
/// connection and the channel; the process's end ends it). The destructor closes every
/// connection, which ends the others. `mutex_` guards `peers_` and `stopping_` waits.
///
///   StreamService service(io.context(), {.address = "127.0.0.1", .secret = secret});
class StreamService {
 public:
  enum class Role { master, elements };
  /// Binds like Listener; throws compss::Error when the address cannot be bound. `report`
  /// (the master's): at its end, says on stderr how many elements went from producer to
  /// consumer directly and how many bytes passed through it.
  StreamService(boost::asio::io_context& io, ListenerOptions options, Role role = Role::master,
                bool report = false);
  ~StreamService();
  StreamService(const StreamService&) = delete;
  StreamService& operator=(const StreamService&) = delete;

  std::uint16_t port() const noexcept { return listener_.port(); }

 private:
  const Role role_;
  const bool report_;
  Listener listener_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable stop_;
  std::vector<std::weak_ptr<Endpoint>> peers_;
  std::thread acceptor_;
  std::thread releaser_;
};

}  // namespace compss::net
