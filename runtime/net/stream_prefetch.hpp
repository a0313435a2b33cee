// A worker's stream consumer that polls its next batch while its user handles the last one
// (docs/streams.md, "Prefetch"): RemoteStreamPort's poll then costs its user no poll round
// trip nor fetch, only (at_most_once) the confirmation that it received the batch.
#pragma once

#include "net/endpoint.hpp"
#include "net/message.hpp"

#include <compss/detail/stream_remote.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace compss::net {

/// A prefetched poll's answer, its referenced elements fetched, not decoded yet (the user's
/// thread decodes them: a type's deserialization runs where it would without prefetch).
struct PrefetchedBatch {
  std::uint64_t id = 0;  // at_most_once: the batch's name, which its confirmation gives
  std::vector<WireElement> elements;
  std::vector<std::optional<std::vector<std::byte>>> fetched;  // per element (references)
  std::string why;  // why a fetch failed
  bool closed = false;  // the poll's answer: closed for this consumer after it
};

/// One consumer place's prefetch, for a RemoteStreamPort (made at its first poll of that
/// place, never at its creation: a handle that never polls takes nothing). It keeps one
/// batch polled ahead, on its own thread (`thread_`) and its own connection to the
/// master's service (`link_`: a long poll there never holds a publish's answer behind it),
/// of at most `budget` element bytes (at least one element).
///
/// Strict depth 1: the next poll is sent only once the user took the batch and
/// (at_most_once) its confirmation was answered (resume()). So at_most_once, a prefetched
/// batch is exactly what a poll's batch is between its answer and its confirmation: held
/// by the master unconfirmed, given back when this process dies (link_'s end), confirmed
/// only when user code takes it (a batch left unread while the user handles a long one
/// stays with this place: not returned to the others on a timer, not done). at_least_once: a prefetch poll sent while the user handles its last
/// batch commits only up to that batch's start (StreamCall::flag), so a kill redelivers
/// the batch the user handles; it waits 20 ms at most at the master, so that a log full of
/// what the user finished is freed by the next poll (a full commit) once the user polls.
///
/// An error answer (a stale attempt, a failed producer's close) or a broken link_ is
/// thrown by next() once the batch before it was taken, and again at each later next().
///
/// Thread-safety: `mutex_` guards everything below it, never held over I/O. link_ is used
/// by one thread at a time: thread_ while `outstanding_`; the
/// user between next() returning a batch and resume() (`taking_`); stop() once thread_
/// was joined. Lock order: the port's mutex_, then this one.
class PollPrefetcher {
 public:
  PollPrefetcher(detail::StreamTicket ticket, std::uint64_t consumer, std::size_t budget);
  ~PollPrefetcher();
  PollPrefetcher(const PollPrefetcher&) = delete;
  PollPrefetcher& operator=(const PollPrefetcher&) = delete;

  std::uint64_t consumer() const noexcept { return consumer_; }

  /// Waits until `deadline` for the prefetched batch and takes it (the link is then the
  /// caller's until resume()). The first call waits for the first poll's answer, which
  /// waits at the master until `deadline` at most (a poll(0) takes what is there). None: the stream is closed for this consumer (`closed`
  /// set) or the time is up. Throws the kept error once no batch is left before it.
  std::optional<PrefetchedBatch> next(std::chrono::steady_clock::time_point deadline, bool& closed);
  /// at_most_once: confirms batch `batch` on the link (as RemoteStreamPort::confirm did
  /// on its connection: sent again on a new link when its answer is lost, 3 tries);
  /// returns StreamReply::closed_bit / given_back_bit. Call between next() and resume().
  std::uint64_t confirm(std::uint64_t batch);
  /// The batch next() gave is handled (`closed`: the stream is now closed for this
  /// consumer): the next prefetch may start.
  void resume(bool closed);
  /// Whether the stream is closed for this consumer as far as this prefetch knows: 1 yes,
  /// 0 no (a batch is unread or being taken, an error is still to be thrown, or a poll is
  /// out or about to be: it comes back at once when closed), -1 unknown (no prefetch
  /// wanted: ask the master).
  int closed_known();
  /// The stream may have elements for this consumer again (its handle's scan added files
  /// to a closed file stream): closed_known() asks again, a wanted poll goes out.
  void forget_closed();
  /// Ends the prefetch: a batch unread is returned to the place (at_most_once), the link
  /// closes (what a poll still out takes is given back at its end). Idempotent.
  void stop() noexcept;

 private:
  void run() noexcept;
  /// Sends `c` on link_ and waits up to `wait` for its answer; false with `failure` when
  /// the link failed, or stop() closed it.
  bool exchange(StreamCall c, StreamReply& out, std::chrono::milliseconds wait, std::string& failure);
  /// Gives batch `batch` back unread (flag `to_buffer`); false when the link failed. (The
  /// master's refusal, value 0, means it no longer held the batch: nothing to do.)
  bool return_unread(std::uint64_t batch, bool to_buffer) noexcept;

  const detail::StreamTicket ticket_;
  const std::uint64_t consumer_;
  const bool confirms_;  // at_most_once
  const std::size_t budget_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<Endpoint> link_;  // (replaced by confirm's retries)
  std::optional<PrefetchedBatch> ready_;
  std::string error_;
  bool want_ = false;        // the user polls: keep a batch prefetched
  bool outstanding_ = false; // a poll is out on link_
  bool taking_ = false;      // the user took a batch and did not resume yet
  bool user_done_ = true;    // the user polled since it took its last batch
  std::uint64_t answered_ = 0;  // polls answered (or failed)
  std::chrono::milliseconds first_wait_{0};  // the first poll's wait at the master
  bool closed_ = false;      // closed for this consumer (until forget_closed)
  std::uint64_t reopened_ = 0;  // forget_closed calls (a poll sent before one: its "closed" is stale)
  bool stopping_ = false;
  std::thread thread_;
};

/// Overrides COMPSS_STREAM_PREFETCH_BYTES for ports that make their prefetch from now on
/// (0: none). For tests.
void set_stream_prefetch(std::size_t bytes) noexcept;
/// The prefetch bytes ports use now.
std::size_t stream_prefetch_bytes() noexcept;
/// Polls RemoteStreamPorts' prefetchers sent so far (for tests).
std::uint64_t stream_prefetch_polls() noexcept;
/// Batches prefetched and returned unread so far (for tests).
std::uint64_t stream_prefetch_returns() noexcept;
/// Element bytes prefetched and not taken by their users now (for tests).
std::size_t stream_prefetched_bytes() noexcept;

}  // namespace compss::net
