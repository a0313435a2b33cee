// The master's record of at_most_once batches (docs/streams.md, "What at_most_once
// guarantees"): a consumer on a worker names each poll's batch (StreamCall::batch) and
// confirms receiving it (a commit naming it). When the confirmation's answer is lost, the
// consumer sends it again on a new connection; this record gives it the same answer: the
// batch was confirmed (its elements are the consumer's), or given back to its place when
// the connection that took it ended first (its next poll takes them again). Never both:
// a batch is confirmed only while the channel still holds it unconfirmed, and given back
// only while nothing confirmed it.
#pragma once

#include <compss/detail/stream_channel.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace compss::net {

/// What the master knows of each at_most_once consumer place's batches on workers. It
/// mirrors the channel's unconfirmed elements of the place (StreamChannel::poll_attempt
/// with confirm, acknowledge, return_unread, give_back): `pending` are the batches the
/// channel holds unconfirmed now. The channel confirms and returns unread by batch name
/// (a confirmation never covers a batch it does not name, even if this record and the
/// channel disagreed), and gives back all of a place's batches at once.
///
/// Connections: each poll or commit makes its connection the place's *owner*; only the
/// owner's end gives the place's pending batches back. So a consumer that resent its
/// confirmation on a new connection, and polled again there, does not see that newer
/// batch given back when the master notices the old connection's end late.
///
/// A place's record goes once the place was removed (swept: sweep_locked), so a long-lived
/// stream keeps records of its open places only, not of every consumer task it had.
///
/// Thread-safe: `mutex_` guards the record and is held while the channel's acknowledge,
/// give_back or (sweeping) at_most_once_place_open runs (lock order: this, then the
/// channel's; the channel never calls here).
///
///   batches.before_poll(channel, call.slot, call.attempt, connection);
///   ... channel.poll_attempt(..., confirm = true) ...
///   batches.polled(channel, call.slot, call.attempt, call.batch, taken > 0);
///   bool confirmed = batches.confirm(channel, call.slot, call.attempt, call.batch, connection);
class AtMostOnceBatches {
 public:
  /// Connection `connection` is about to poll the place: it becomes its owner. A newer
  /// attempt's poll forgets the older attempt's pending batches (the channel gave them
  /// back to the place already: StreamChannel::enter_attempt).
  void before_poll(const detail::StreamChannel& channel, std::uint64_t place, std::uint64_t attempt,
                   std::uint64_t connection);
  /// The poll took elements (`took`) as batch `batch`: pending until confirmed.
  void polled(const detail::StreamChannel& channel, std::uint64_t place, std::uint64_t attempt,
              std::uint64_t batch, bool took);
  /// A commit of `batch` (never 0: refused, compss::Error) by attempt `attempt` on
  /// `connection`: true when the batch is (or was already) confirmed, false when it was
  /// given back. Throws the channel's compss::Error for a stale attempt (unless the batch
  /// had been confirmed: that is its answer).
  bool confirm(detail::StreamChannel& channel, std::uint64_t place, std::uint64_t attempt,
               std::uint64_t batch, std::uint64_t connection);
  /// A port gives back prefetched batch `batch` its user never took (StreamCall::
  /// return_unread): true when the channel held it unconfirmed, and it went back
  /// (StreamChannel::return_unread); false when not (given back already, given to the
  /// others, a stale attempt): never held by the place unconfirmed after either answer.
  /// A later confirmation of it is answered "given back".
  bool return_unread(detail::StreamChannel& channel, std::uint64_t place, std::uint64_t attempt,
                     std::uint64_t batch, bool to_buffer, std::uint64_t connection);
  /// `connection` ended: the pending batches of the places it still owns go back to their
  /// places (StreamChannel::give_back). `places`: (stream, place) it polled.
  void connection_ended(std::uint64_t connection,
                        const std::vector<std::pair<std::uint64_t, std::uint64_t>>& places);
  /// Places recorded now (for tests: about twice the open places at most, or 64).
  std::size_t size();

 private:
  struct Place {
    std::uint64_t owner = 0;    // the connection of its last poll or commit
    std::uint64_t attempt = 0;  // the attempt of `pending`
    std::vector<std::uint64_t> pending;
    std::deque<std::pair<std::uint64_t, std::uint64_t>> confirmed;  // (attempt, batch), latest
  };
  using Key = std::pair<std::uint64_t, std::uint64_t>;  // stream, place
  Place& place_locked(const detail::StreamChannel& channel, std::uint64_t place);
  void sweep_locked();

  std::mutex mutex_;
  std::map<Key, Place> places_;
  std::size_t sweep_at_ = 64;  // places_ size that sweeps the gone streams' next
};

/// The master's record (one per process; its stream service uses it).
AtMostOnceBatches& at_most_once_batches();

}  // namespace compss::net
