// The shared state of one stream (docs/streams.md): a bounded buffer of type-erased
// elements, its producers and consumers, and whether it is closed. compss::ObjectStream<T>
// and compss::FileStream are handles onto one StreamChannel; two handles with the same
// alias share it (stream_registry.hpp).
#pragma once

#include <compss/error.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <typeindex>
#include <vector>

namespace compss {

/// How the elements of a stream reach its consumers (SPEC section 5).
enum class ConsumerMode : std::uint8_t {
  at_most_once,   ///< each element goes to one poller only (a shared queue)
  at_least_once,  ///< every element reaches every consumer; a retried consumer task gets
                  ///< again what its failed attempt had taken
};
inline constexpr ConsumerMode at_most_once = ConsumerMode::at_most_once;
inline constexpr ConsumerMode at_least_once = ConsumerMode::at_least_once;

/// Elements a stream holds before a publisher blocks, unless the stream says otherwise.
inline constexpr std::size_t default_stream_capacity = 256;

}  // namespace compss

namespace compss::detail {

/// One stream's buffer and bookkeeping. Thread-safe: every member takes `mutex_` (the only
/// lock; nothing is called while it is held but the element's destructor).
///
/// Elements are type-erased (`std::shared_ptr<void>` made by the typed handle), so the
/// buffer moves them and never copies: at_most_once hands each to one poller, who moves the
/// value out; at_least_once keeps a log that each consumer reads from its own offset, and
/// each poller copies what it takes (one copy per consumer, none in the buffer).
///
/// at_least_once offsets: `delivered` is what the consumer has been given, `committed`
/// what it has finished with (its next poll commits the previous one; a task's end commits
/// all). A consumer task's new attempt starts again from `committed`. The log drops an
/// element only once every registered consumer has committed it.
///
/// Closing: each producer (a task with a stream_out parameter, from its submission; a
/// handle that published, from its first publish) holds a slot. The stream is closed once
/// `close()` was called at least once and no slot is open; a consumer sees it closed once
/// it has taken everything too.
class StreamChannel {
 public:
  using Element = std::shared_ptr<void>;
  using Clock = std::chrono::steady_clock;

  StreamChannel(std::uint64_t id, std::type_index type, ConsumerMode mode, std::size_t capacity,
                bool bounded)
      : id_(id), type_(type), mode_(mode), capacity_(std::max<std::size_t>(capacity, 1)),
        bounded_(bounded) {}

  std::uint64_t id() const noexcept { return id_; }
  std::type_index type() const noexcept { return type_; }
  ConsumerMode mode() const noexcept { return mode_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool bounded() const noexcept { return bounded_; }

  // ---- producers ----------------------------------------------------------------------

  /// A new producer slot; the stream stays open until it is closed.
  std::uint64_t add_producer() {
    std::lock_guard lock(mutex_);
    ++open_producers_;
    return ++last_slot_;
  }

  /// Appends `items` in order, blocking while the buffer is full (a list longer than the
  /// buffer goes in as room appears). Throws if the stream was already closed.
  void publish(std::vector<Element>& items) {
    std::unique_lock lock(mutex_);
    // (Unbounded, the sequential build: one handle serves the producer calls one after
    // the other, each closing it; a publish after a close opens it again.)
    if (bounded_ && is_closed_locked()) throw Error("compss: publish on a closed stream (id " + std::to_string(id_) + ")");
    for (Element& e : items) {
      room_.wait(lock, [&] { return !bounded_ || buffered_locked() < capacity_ || !abandoned_.empty(); });
      if (bounded_ && buffered_locked() >= capacity_) {
        // Full, and the last consumer task failed: waiting would never end.
        throw Error("compss: stream " + std::to_string(id_) + " is full and its last consumer task failed (" +
                    abandoned_ + "): nothing will take more elements");
      }
      buffer_.push_back(std::move(e));
    }
    items.clear();
    data_.notify_all();
  }

  /// Adds elements found rather than published (a file stream's directory scan): after
  /// close too, and without blocking (they are files on disk, not memory).
  void add_found(std::vector<Element>& items) {
    if (items.empty()) return;
    std::lock_guard lock(mutex_);
    for (Element& e : items) buffer_.push_back(std::move(e));
    items.clear();
    data_.notify_all();
  }

  /// File streams: true the first time `name` is seen (published or found), so a file is
  /// delivered once however it arrived.
  bool claim(const std::string& name) {
    std::lock_guard lock(mutex_);
    return claimed_.insert(name).second;
  }

  /// True once close() was called and no producer slot is open.
  bool producers_done() {
    std::lock_guard lock(mutex_);
    return is_closed_locked();
  }

  /// Closes producer slot `slot` (0: a close() from a handle that never published); a
  /// non-empty `error` is what consumers see at poll once they have taken the rest.
  void close(std::uint64_t slot, const std::string& error = {}) {
    std::lock_guard lock(mutex_);
    close_requested_ = true;
    if (slot != 0 && open_producers_ > 0) --open_producers_;
    if (!error.empty() && error_.empty()) error_ = error;
    data_.notify_all();
    room_.notify_all();
  }

  // ---- consumers ----------------------------------------------------------------------

  /// A new consumer (`task`: a consumer task's, not the program's); at_least_once: it
  /// starts at the oldest element the log still holds.
  std::uint64_t add_consumer(bool task) {
    std::lock_guard lock(mutex_);
    if (task) ++consumer_tasks_;
    std::uint64_t id = ++last_slot_;
    if (mode_ == ConsumerMode::at_least_once) consumers_[id] = Cursor{base_, base_};
    return id;
  }

  /// A place taken by the program's handle now belongs to a consumer task.
  void count_consumer_task() {
    std::lock_guard lock(mutex_);
    ++consumer_tasks_;
  }

  /// The consumer is gone: it no longer holds elements in the log. A consumer task that
  /// failed (`failure` not empty) and was the last one releases publishers blocked on a
  /// full stream with an error rather than let them wait forever.
  void remove_consumer(std::uint64_t consumer, bool task, const std::string& failure) {
    std::lock_guard lock(mutex_);
    consumers_.erase(consumer);
    if (task && consumer_tasks_ > 0) --consumer_tasks_;
    if (task && consumer_tasks_ == 0 && !failure.empty()) {
      abandoned_ = failure;
      room_.notify_all();
    }
    trim_locked();
  }

  /// at_least_once: the consumer starts again from what it last finished with.
  void rewind(std::uint64_t consumer) {
    std::lock_guard lock(mutex_);
    auto it = consumers_.find(consumer);
    if (it != consumers_.end()) it->second.delivered = it->second.committed;
    data_.notify_all();
  }

  /// at_least_once: everything delivered to the consumer is finished with.
  void commit(std::uint64_t consumer) {
    std::lock_guard lock(mutex_);
    commit_locked(consumer);
  }

  /// Waits up to `timeout` seconds for elements, then takes what there is (possibly
  /// nothing). Once the stream is closed with an error and the consumer has taken the
  /// rest, throws compss::Error with that error.
  std::vector<Element> poll(std::uint64_t consumer, double timeout) {
    std::unique_lock lock(mutex_);
    commit_locked(consumer);  // the previous poll's elements are finished with
    const auto deadline = Clock::now() + to_duration(timeout);
    data_.wait_until(lock, deadline, [&] { return available_locked(consumer) != 0 || is_closed_locked(); });
    std::vector<Element> out;
    if (mode_ == ConsumerMode::at_most_once) {
      out.reserve(buffer_.size());
      for (Element& e : buffer_) out.push_back(std::move(e));
      buffer_.clear();
    } else if (auto it = consumers_.find(consumer); it != consumers_.end()) {
      Cursor& c = it->second;
      for (std::uint64_t i = c.delivered; i < base_ + buffer_.size(); ++i) out.push_back(buffer_[i - base_]);
      c.delivered = base_ + buffer_.size();
    }
    if (!out.empty()) room_.notify_all();
    if (out.empty() && is_closed_locked() && !error_.empty()) {
      throw Error("compss: stream " + std::to_string(id_) + " was closed by a failed producer: " + error_);
    }
    return out;
  }

  /// True once every producer closed and this consumer has taken everything published.
  /// (Not while a producer's error is left to see: the consumer's next poll throws it.)
  bool is_closed(std::uint64_t consumer) {
    std::lock_guard lock(mutex_);
    return is_closed_locked() && available_locked(consumer) == 0 && error_.empty();
  }

  /// Elements held now (for tests and the memory bound).
  std::size_t buffered() {
    std::lock_guard lock(mutex_);
    return buffered_locked();
  }

 private:
  struct Cursor {
    std::uint64_t delivered;
    std::uint64_t committed;
  };

  static Clock::duration to_duration(double seconds) {
    if (!(seconds > 0)) return Clock::duration::zero();
    const double cap = 365.0 * 24 * 3600;  // "forever", without overflowing the clock
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::min(seconds, cap)));
  }

  bool is_closed_locked() const noexcept { return close_requested_ && open_producers_ == 0; }
  std::size_t buffered_locked() const noexcept { return buffer_.size(); }

  std::size_t available_locked(std::uint64_t consumer) const {
    if (mode_ == ConsumerMode::at_most_once) return buffer_.size();
    auto it = consumers_.find(consumer);
    if (it == consumers_.end()) return 0;
    return static_cast<std::size_t>(base_ + buffer_.size() - it->second.delivered);
  }

  void commit_locked(std::uint64_t consumer) {
    auto it = consumers_.find(consumer);
    if (it == consumers_.end()) return;
    it->second.committed = it->second.delivered;
    trim_locked();
  }

  // at_least_once: drops the log's elements every consumer has finished with.
  void trim_locked() {
    // (Unbounded, the sequential build: consumers come one after the other, each must
    // still find everything, so nothing is dropped.)
    if (mode_ != ConsumerMode::at_least_once || consumers_.empty() || !bounded_) return;
    std::uint64_t low = std::numeric_limits<std::uint64_t>::max();
    for (const auto& [id, c] : consumers_) low = std::min(low, c.committed);
    bool freed = false;
    while (base_ < low && !buffer_.empty()) {
      buffer_.pop_front();
      ++base_;
      freed = true;
    }
    if (freed) room_.notify_all();
  }

  const std::uint64_t id_;
  const std::type_index type_;
  const ConsumerMode mode_;
  const std::size_t capacity_;
  const bool bounded_;  // false in the sequential build: tasks run one after the other

  std::mutex mutex_;
  std::condition_variable data_;  // elements arrived, or the stream closed
  std::condition_variable room_;  // the buffer has room again
  std::deque<Element> buffer_;    // at_least_once: the log, buffer_[0] has offset base_
  std::uint64_t base_ = 0;
  std::map<std::uint64_t, Cursor> consumers_;  // at_least_once only
  std::uint64_t last_slot_ = 0;
  std::uint32_t open_producers_ = 0;
  bool close_requested_ = false;
  std::string error_;
  std::uint32_t consumer_tasks_ = 0;
  std::string abandoned_;  // the failure of the last consumer task, when it failed
  std::set<std::string> claimed_;  // file streams
};

}  // namespace compss::detail
