// The worker side of streams across machines (docs/streams.md, "Streams across workers"):
// a stream task's handle on a worker is a RemoteStreamPort, which sends each operation to
// the master's stream service (net/stream_service.hpp) and waits for its answer.
#pragma once

#include "net/endpoint.hpp"
#include "net/publish_window.hpp"
#include "net/stream_prefetch.hpp"

#include <compss/detail/stream_remote.hpp>
#include <compss/error.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace compss::net {

/// A port onto the master's stream named by a ticket, over one connection. Operations
/// go in order on it (`mutex_`), so a producer's elements reach the master in the order it
/// published them. When this process has a stream endpoint (element_port()), an object
/// stream's elements stay here and the master gets references; a poll fetches the
/// elements it is given references to from their holders, one request per holder
/// (net/stream_elements.hpp); a publish first waits while this process holds more than
/// the bound of the stream's elements nobody fetched yet (wait_to_hold: 2 MiB, 128
/// elements), so a producer does not run a whole buffer ahead of its consumers. The
/// destructor hands the master what this port published
/// and nobody fetched yet. A compss::Error the operation raised on the master is thrown
/// here with the same message; a lost connection is a compss::Error too (the task fails,
/// and is retried as any task is).
///
/// Publishes are pipelined and coalesced: `publish` returns without waiting for the
/// master's answer while at most a window of this handle's elements (at most 256, adapted
/// to the publishes' round trips by `window_`, net/publish_window.hpp; and 4 MiB of
/// element bytes, where for held elements wait_to_hold's smaller bound binds first; at
/// least one element) are not answered yet; past it, it waits. At most
/// 4 publish calls are in flight; elements published meanwhile wait in `pending_` and go
/// as one call as soon as an answer frees a place (the thread `receiver_`, started at the
/// first publish, receives every answer from then on and sends what is pending, so an
/// element never waits for its producer's next operation). So a fast producer still
/// blocks on a full stream (the master answers once the channel took the elements), at
/// most the window ahead of the channel's bound, in order (one connection, calls sent
/// under `mutex_`). An error a pipelined publish met on the master is thrown by the
/// port's next operation instead of doing it: a publish (once that answer arrived), any
/// other call and close() of the task's slot (which first wait for every publish in
/// flight). Ending a slot or place this handle opened itself (close of another slot,
/// remove_consumer) is sent anyway, then the error is thrown (a close without text takes
/// the error as its text): otherwise nothing would ever end them. finish(), called by the
/// worker when the task returned, waits for the publishes and throws their error, or the
/// connection's when publishes were pending or unanswered when it broke, so the task fails
/// (and its retry publishes again: the master keeps what it already has, by position; a
/// file stream's by name)
/// instead of answering success with elements missing. The destructor waits for the
/// publishes in flight (a task's answer leaves only after its stream handles went, so the
/// master has its elements before it ends the task's slot), and says on stderr an error
/// nobody was told (a task that threw: finish() was not called).
///
/// A poll prefetches (COMPSS_STREAM_PREFETCH_BYTES, net/stream_prefetch.hpp): from its
/// first poll of a consumer place, a PollPrefetcher keeps that place's next batch polled
/// and fetched ahead on its own thread and connection; poll() takes it (at_most_once:
/// returning it once its confirmation was answered, as without prefetch). The port's end,
/// and remove_consumer of that place, stop it first, returning a batch nobody took. Polls
/// of another place of the same port (a copy's own place) go without prefetch.
///
/// Threads: callers (copies of a worker's handle share the port; calls go one at a time
/// on the connection, each caller waits for its own answer: Flight::reply) and
/// `receiver_`; `mutex_` guards everything below it, `changed_` signals answers.
///
///   RemoteStreamPort port(endpoint, ticket, detail::codec_for<double>());
class RemoteStreamPort final : public detail::StreamPort {
 public:
  RemoteStreamPort(std::shared_ptr<Endpoint> service, detail::StreamTicket ticket,
                   const detail::ElementCodec* codec);
  ~RemoteStreamPort() override;

  std::uint64_t id() const noexcept override { return ticket_.stream; }
  ConsumerMode mode() const noexcept override { return static_cast<ConsumerMode>(ticket_.mode); }
  bool bounded() const noexcept override { return true; }

  std::uint64_t add_producer() override;
  void publish(std::vector<Element>& items) override;
  void add_found(std::vector<Element>& items) override;
  bool is_new_file(const std::string& name) override;
  bool producers_done() override;
  void close(std::uint64_t slot, const std::string& error) override;
  std::uint64_t add_consumer(bool task) override;
  void count_consumer_task() override;
  void remove_consumer(std::uint64_t consumer, bool task, const std::string& failure) override;
  void rewind(std::uint64_t consumer) override;
  void commit(std::uint64_t consumer) override;
  std::vector<Element> poll(std::uint64_t consumer, double timeout) override;
  bool is_closed(std::uint64_t consumer) override;
  void finish() override;

 private:
  StreamReply call(StreamCall c);
  /// Sends `c` (under mutex_), prefixed with where; throws when the connection failed.
  void send_locked(StreamCall& c);
  /// Sends the pending elements as one publish when fewer calls than the call window are
  /// in flight (under mutex_).
  void send_pending_locked();
  /// receiver_'s loop: every answer once publishes started.
  void receive_answers() noexcept;
  /// Waits (lock on mutex_) until nothing is pending or in flight, or the connection broke.
  void wait_for_publishes(std::unique_lock<std::mutex>& lock);
  /// Throws the kept error of a pipelined publish or of the connection, if any (under mutex_).
  void throw_pipelined_error_locked();
  /// at_most_once: tells the master this port received poll batch `batch` of `consumer`;
  /// returns the commit's answer (StreamReply::closed_bit, given_back_bit). An answer that
  /// does not come within stream_answer_wait(), or a connection that fails, is not a guess:
  /// the confirmation goes again on a new connection (reconnect), where the master answers
  /// it as it answered the first (net/stream_batches.hpp). Throws after 3 tries.
  std::uint64_t confirm(std::uint64_t consumer, std::uint64_t batch);
  /// Sends `c` and waits `wait` at most for its answer; false with `failure` when the
  /// connection failed or the answer did not come (the port is then broken: reconnect).
  /// A publish's error kept from before is thrown.
  bool call_within(StreamCall c, std::chrono::milliseconds wait, StreamReply& out,
                   std::string& failure);
  /// Replaces the broken connection by a new one to the master's service; throws when
  /// calls of this port were in flight or publishes were lost on it (those cannot be told
  /// apart from lost ones: the port stays broken, finish() reports them).
  void reconnect();
  std::string where() const;
  /// The task's slot or place in the ticket: what a slot or place this port opens belongs to.
  std::uint64_t owner() const noexcept;
  std::vector<WireElement> encoded(const std::vector<Element>& items) const;
  /// The element `w` is: its bytes, those `fetched` from its holder when it is a
  /// reference, or the master's copy when the fetch failed (`why`).
  Element resolved(WireElement& w, std::optional<std::vector<std::byte>>& fetched,
                   const std::string& why);
  void hand_over_unfetched() noexcept;
  /// The prefetch of `consumer`'s polls: made at its first poll (null: none, another
  /// place's, or prefetch is off).
  std::shared_ptr<PollPrefetcher> prefetcher_for(std::uint64_t consumer);
  /// poll() through `prefetch`.
  std::vector<Element> poll_prefetched(PollPrefetcher& prefetch, double timeout);
  /// Stops the prefetch of `consumer` (0: any), for good.
  void stop_prefetch(std::uint64_t consumer) noexcept;
  /// The elements of a polled batch, decoded (a lost one: `lost`, the others come).
  std::vector<Element> resolved_all(std::vector<WireElement>& elements,
                                    std::vector<std::optional<std::vector<std::byte>>>& fetched,
                                    const std::string& why, std::string& lost);

  std::shared_ptr<Endpoint> service_;  // (replaced by reconnect, under mutex_, receiver_ joined)
  const detail::StreamTicket ticket_;
  const detail::ElementCodec* const codec_;
  std::mutex mutex_;  // one call at a time on the connection
  std::vector<std::uint64_t> held_keys_;  // elements this port left with this process (under mutex_)
  std::size_t held_keys_sweep_at_ = 1024;  // held_keys_ size that sweeps it next (under mutex_)
  std::uint64_t own_producer_ = 0;  // the slot add_producer opened: its publishes' (under mutex_)
  std::string lost_;  // an element the last poll found lost: the next poll throws it (under mutex_)
  using Time = PublishWindow::Time;
  struct Flight {  // a call sent and not answered yet
    bool publish = true;
    std::size_t elements = 0, bytes = 0;
    std::uint64_t call = 0;  // a publish: its number in window_, and when it left
    Time sent_at{};  // (left empty when window_ does not adapt)
    // Not a publish: where its caller waits for the answer (null once the caller left).
    std::optional<StreamReply>* reply = nullptr;
  };
  std::condition_variable changed_;
  std::deque<Flight> in_flight_;
  std::size_t publish_calls_ = 0;                 // publishes in in_flight_
  std::size_t unanswered_ = 0, unanswered_bytes_ = 0;  // elements pending or in flight
  std::vector<WireElement> pending_;              // published, not sent yet
  std::optional<PublishWindow> window_;  // made at the first publish (set_publish_window)
  // Whether window_ adapts, so receiver_ times answers (read by it before taking mutex_).
  std::atomic<bool> time_answers_{false};
  std::string pipelined_error_;  // the first error of a publish nobody was told yet
  std::string broken_;           // the connection failed (receiver_)
  bool lost_at_break_ = false;   // elements were unsent or unanswered when it failed
  bool told_ = false;            // finish() threw the error: the destructor says nothing
  bool stopping_ = false;
  std::thread receiver_;
  // What the last poll's answer said of is_closed(poll_consumer_), for the is_closed()
  // that follows it (a consumer's usual loop): -1 when not known (under mutex_).
  int closed_after_poll_ = -1;
  std::uint64_t poll_consumer_ = 0;
  std::shared_ptr<PollPrefetcher> prefetch_;  // (under mutex_)
  bool prefetch_ended_ = false;  // stopped for good: no other is made (under mutex_)
};

/// The most elements a RemoteStreamPort's publishes leave unanswered (256: the ceiling of
/// its PublishWindow, which a port takes at its next publish), and element bytes (4 MiB;
/// at least one element); 0 makes every publish wait for its answer. For tests.
void set_publish_window(std::size_t elements, std::size_t bytes) noexcept;
/// Publish calls RemoteStreamPorts sent so far (each with one or more elements; for tests).
std::uint64_t stream_publish_calls() noexcept;
/// Times a RemoteStreamPort's slow publish answer cut its PublishWindow so far (for tests).
std::uint64_t stream_window_cuts() noexcept;
/// Held keys RemoteStreamPorts' publishes looked at to forget the dropped ones (for tests).
std::uint64_t stream_held_key_checks() noexcept;
/// Connections RemoteStreamPorts replaced to send a confirmation again (for tests).
std::uint64_t stream_reconnections() noexcept;
/// Counts one such replacement (a PollPrefetcher's).
void note_stream_reconnection() noexcept;

/// A name for an at_most_once poll's batch (StreamCall::batch), never 0, unique across
/// processes (a random start per process).
std::uint64_t next_poll_batch_id() noexcept;

/// The error of a poll whose batch's confirmation got no answer after `tries` sends.
Error unconfirmed_batch_error(std::uint64_t stream, int tries, const std::string& failure);

/// Poll calls RemoteStreamPorts sent without prefetch so far (for tests).
std::uint64_t stream_poll_calls() noexcept;

/// Opens a connection to a stream endpoint: the master's stream service (`host` empty:
/// the worker's master's host) or another node's (a producer's worker holding elements,
/// net/stream_elements.hpp). worker_main and the master install one over TCP; tests
/// install in-memory ones.
using StreamConnector =
    std::function<std::shared_ptr<Endpoint>(const std::string& host, std::uint16_t port)>;
void set_stream_connector(StreamConnector connector);
/// A connection through the installed connector; throws compss::Error when there is none
/// or it fails.
std::shared_ptr<Endpoint> connect_stream_endpoint(const std::string& host, std::uint16_t port);

}  // namespace compss::net
