#include "net/stream_batches.hpp"

#include <compss/detail/stream_remote.hpp>

#include <algorithm>

namespace compss::net {

namespace {

// Confirmed batches remembered per place: a resent confirmation follows its lost answer at
// once (the consumer polls nothing in between), so the latest few are enough.
constexpr std::size_t confirmed_kept = 16;

// A call of an attempt older than the place's latest (0: no attempt, never stale).
bool stale(const auto& place, std::uint64_t attempt) { return attempt != 0 && attempt < place.attempt; }

}  // namespace

AtMostOnceBatches::Place& AtMostOnceBatches::place_locked(const detail::StreamChannel& channel,
                                                          std::uint64_t place) {
  const Key key{channel.id(), place};
  if (places_.try_emplace(key).second && places_.size() >= sweep_at_) sweep_locked();
  return places_[key];  // (made again if swept: a late call on a removed place)
}

// Erases the records of places no call can count for any more: their stream is gone, or
// the place was removed (its task ended for good: the channel gave its unconfirmed batches
// to the other consumers, and answers a late confirmation "given back" without a record).
// Run when places_ reaches sweep_at_, then twice what is left: what stays is about twice
// the open places (or 64), however many consumer tasks the streams had.
void AtMostOnceBatches::sweep_locked() {
  std::shared_ptr<detail::StreamChannel> channel;
  std::erase_if(places_, [&](const auto& entry) {
    const auto& [stream, place] = entry.first;
    if (channel == nullptr || channel->id() != stream) channel = detail::find_stream_channel(stream);
    return channel == nullptr || !channel->at_most_once_place_open(place);
  });
  sweep_at_ = std::max<std::size_t>(64, 2 * places_.size());
}

void AtMostOnceBatches::before_poll(const detail::StreamChannel& channel, std::uint64_t place,
                                    std::uint64_t attempt, std::uint64_t connection) {
  std::lock_guard lock(mutex_);
  Place& p = place_locked(channel, place);
  // A superseded attempt's poll (the channel refuses it) does not take the place: its
  // connection's end must not decide the newer attempt's batches.
  if (stale(p, attempt)) return;
  p.owner = connection;
  if (attempt > p.attempt) {
    p.attempt = attempt;
    p.pending.clear();
  }
}

void AtMostOnceBatches::polled(const detail::StreamChannel& channel, std::uint64_t place,
                               std::uint64_t attempt, std::uint64_t batch, bool took) {
  if (!took) return;
  std::lock_guard lock(mutex_);
  Place& p = place_locked(channel, place);
  if (attempt != p.attempt) return;  // (superseded meanwhile: the channel refused its poll)
  if (std::ranges::find(p.pending, batch) == p.pending.end()) p.pending.push_back(batch);
}

bool AtMostOnceBatches::confirm(detail::StreamChannel& channel, std::uint64_t place,
                                std::uint64_t attempt, std::uint64_t batch,
                                std::uint64_t connection) {
  // (Clients always name their batch: a batch 0 could not be told apart from another.)
  if (batch == 0) throw Error("compss: stream " + std::to_string(channel.id()) + ": a confirmation names no batch");
  std::lock_guard lock(mutex_);
  Place& p = place_locked(channel, place);
  // Already confirmed: the same answer, even to an attempt superseded since (the elements
  // were its own; the answer is their fate).
  if (std::ranges::find(p.confirmed, std::pair{attempt, batch}) != p.confirmed.end()) {
    return true;
  }
  if (stale(p, attempt)) {  // (not the owner: see before_poll)
    channel.enter_attempt(place, attempt);  // throws the channel's error
    return false;
  }
  p.owner = connection;
  if (attempt > p.attempt) {  // (the channel gave the older attempt's back already)
    p.attempt = attempt;
    p.pending.clear();
  }
  const bool pending = std::ranges::find(p.pending, batch) != p.pending.end();
  if (!pending) {  // given back, or never taken: nothing to confirm (a stale attempt throws)
    channel.enter_attempt(place, attempt);
    // (Should the channel hold it all the same, the answer "given back" is made true: its
    // place's next poll takes it.)
    (void)channel.return_unread(place, attempt, batch, false);
    return false;
  }
  // (A stale attempt throws.) A named batch the channel no longer holds unconfirmed went to
  // other consumers (the place was removed while this attempt still ran): given back, never
  // confirmed, or two consumers would have it. The channel confirms this batch only.
  const bool held = channel.acknowledge(place, attempt, batch);
  std::erase(p.pending, batch);
  if (!held) return false;
  p.confirmed.emplace_back(p.attempt, batch);
  if (p.confirmed.size() > confirmed_kept) p.confirmed.pop_front();
  return true;
}

bool AtMostOnceBatches::return_unread(detail::StreamChannel& channel, std::uint64_t place,
                                      std::uint64_t attempt, std::uint64_t batch, bool to_buffer,
                                      std::uint64_t connection) {
  std::lock_guard lock(mutex_);
  Place& p = place_locked(channel, place);
  if (batch == 0 || stale(p, attempt)) return false;
  if (attempt == p.attempt) {
    p.owner = connection;
    std::erase(p.pending, batch);
  }
  // (The channel decides, by the batch's name: refused only when it does not hold it, so
  // a refusal never leaves the batch with the place unconfirmed.)
  return channel.return_unread(place, attempt, batch, to_buffer);
}

void AtMostOnceBatches::connection_ended(
    std::uint64_t connection, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& places) {
  for (const auto& [stream, place] : places) {
    std::shared_ptr<detail::StreamChannel> channel = detail::find_stream_channel(stream);
    std::lock_guard lock(mutex_);
    auto it = places_.find(Key{stream, place});
    if (it == places_.end() || it->second.owner != connection) continue;  // (moved on)
    Place& p = it->second;
    if (channel != nullptr && !p.pending.empty()) {
      try {
        channel->give_back(place, p.attempt);
      } catch (...) {
      }
    }
    p.pending.clear();
    p.owner = 0;
  }
}

std::size_t AtMostOnceBatches::size() {
  std::lock_guard lock(mutex_);
  return places_.size();
}

AtMostOnceBatches& at_most_once_batches() {
  static AtMostOnceBatches batches;
  return batches;
}

}  // namespace compss::net
