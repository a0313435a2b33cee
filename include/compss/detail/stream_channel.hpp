// The shared state of one stream (docs/streams.md): a bounded buffer of type-erased
// elements, its producers and consumers, and whether it is closed. compss::ObjectStream<T>
// and compss::FileStream are handles onto one StreamPort: the StreamChannel itself in the
// process that owns the stream, or, on a worker under compss-run, a port that forwards
// each operation to the master's channel (runtime/net/stream_client.hpp). Two handles
// with the same alias share one channel (open_channel, stream.hpp).
#pragma once

#include <compss/error.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <typeindex>
#include <utility>
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

/// How a stream's elements become bytes and back, to cross the network (null members:
/// they cannot; the stream's tasks then run where the stream is).
struct ElementCodec {
  std::vector<std::byte> (*encode)(const void* element) = nullptr;
  std::shared_ptr<void> (*decode)(std::span<const std::byte> bytes) = nullptr;
};

/// What a stream handle does to its stream, wherever the stream lives (see StreamChannel
/// for what each operation means). Implementations are thread-safe.
class StreamPort {
 public:
  using Element = std::shared_ptr<void>;
  virtual ~StreamPort() = default;

  virtual std::uint64_t id() const noexcept = 0;
  virtual ConsumerMode mode() const noexcept = 0;
  virtual bool bounded() const noexcept = 0;

  virtual std::uint64_t add_producer() = 0;
  virtual void publish(std::vector<Element>& items) = 0;
  virtual void add_found(std::vector<Element>& items) = 0;
  virtual bool is_new_file(const std::string& name) = 0;
  virtual bool producers_done() = 0;
  virtual void close(std::uint64_t slot, const std::string& error) = 0;

  virtual std::uint64_t add_consumer(bool task) = 0;
  virtual void count_consumer_task() = 0;
  virtual void remove_consumer(std::uint64_t consumer, bool task, const std::string& failure) = 0;
  virtual void rewind(std::uint64_t consumer) = 0;
  virtual void commit(std::uint64_t consumer) = 0;
  virtual std::vector<Element> poll(std::uint64_t consumer, double timeout) = 0;
  virtual bool is_closed(std::uint64_t consumer) = 0;

  /// The task using this port returned (on a worker, before it answers success): waits
  /// for what it published and throws what that met, so the task fails instead of
  /// answering success with elements missing. Nothing to do on a local channel.
  virtual void finish() {}
};

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
/// it has taken everything too. Closing a slot twice (a worker's task closed it, then the
/// master ends the task) counts once.
///
/// Confirmed delivery (at_most_once, a poll from another process: the stream service's):
/// what such a poll takes stays `unconfirmed_` until its consumer confirms it received it
/// (acknowledge: by the poll's name, so a confirmation never covers another poll's batch). If the consumer's attempt ends before that (its connection broke, its
/// worker died: give_back; a newer attempt of its task: enter_attempt), they are
/// `returned_` to that consumer place, whose next poll takes them first (its retry: its
/// per-producer order holds, and no other consumer sees them out of order); when the place
/// goes (remove_consumer) they go back to the buffer for the other consumers.
///
/// Slots opened by a worker's handle (a stream_in task that publishes, a producer that
/// polls): they are recorded with their `owner`, the slot or place the master's copy of
/// the task holds (add_producer_for, add_consumer_for). A retry of the task gets the same
/// ones again, and they end with the owner (close, remove_consumer by the master's copy),
/// so a worker that dies never leaves a slot open for good. The latest attempt that opened
/// each is kept (`owned_attempts_`): an older attempt's end of it (a worker given up on
/// that still ran and returned) does not end it under its retry.
///
/// Files (a file stream's channel: `name_of` set): an element is known by its file's name
/// (its path relative to the stream's directory), and the channel adds each name once
/// however often and by whom it is published or found (`claimed_`, filled as elements are
/// added, so a file some handle announced but never added is not lost). A retried
/// producer's publishes are matched with its earlier attempts' by those names, never by
/// position (docs/streams.md, "A failed producer").
///
/// Attempts (a consumer task run on a worker, docs/streams.md "Recovery"): each attempt
/// of a consumer task has a number, larger for later attempts. The first operation of a
/// new attempt rewinds the consumer to what it had finished with; an operation of an
/// older attempt (a dead worker's request arriving late) is refused, so it can take
/// nothing the new attempt must get.
///
/// Records per task are kept only while a call of one of its attempts can still count
/// (docs/streams.md, "What the master keeps of a long-lived stream"): a producer slot's
/// (`producer_attempts_`) from its opening until its task ended for good (close(), the
/// master's copy of the task; not close_one / close_attempt, an attempt's own close, which
/// a retry may follow), an at_most_once place's (`at_most_once_attempts_`) from its
/// opening until it is removed. Afterwards a late call of an attempt of that task is
/// refused (a publish, a poll that would take elements) or does nothing (a close; a
/// confirmation is answered "given back"), so a long-lived stream fed by many short tasks
/// keeps records of its live tasks only (task_records()).
class StreamChannel final : public StreamPort {
 public:
  using Clock = std::chrono::steady_clock;
  /// A file stream's element's name (detail::stream_file_name).
  using NameOf = const std::string& (*)(const void* element);

  StreamChannel(std::uint64_t id, std::type_index type, ConsumerMode mode, std::size_t capacity,
                bool bounded, const ElementCodec* codec = nullptr, NameOf name_of = nullptr)
      : id_(id), type_(type), mode_(mode), capacity_(std::max<std::size_t>(capacity, 1)),
        bounded_(bounded), codec_(codec), name_of_(name_of) {}

  std::uint64_t id() const noexcept override { return id_; }
  std::type_index type() const noexcept { return type_; }
  ConsumerMode mode() const noexcept override { return mode_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool bounded() const noexcept override { return bounded_; }
  /// How elements travel (null when they cannot).
  const ElementCodec* codec() const noexcept { return codec_; }
  /// A file stream's: elements are known by name (see the class comment).
  bool by_name() const noexcept { return name_of_ != nullptr; }

  // ---- producers ----------------------------------------------------------------------

  /// A new producer slot; the stream stays open until it is closed.
  std::uint64_t add_producer() override {
    std::lock_guard lock(mutex_);
    return add_producer_locked();
  }

  /// The producer slot a worker's handle opens for the task holding `owner` (its consumer
  /// place): the one an earlier attempt of that task opened while it is still open (a
  /// retry publishes under the same slot: matched by position, publish_attempt), else a
  /// new one. It closes with its owner (close, remove_consumer). `attempt`: the attempt
  /// of the task asking (0: none), recorded so an older attempt's end does not end what a
  /// newer one uses (close_attempt, remove_consumer_attempt).
  std::uint64_t add_producer_for(std::uint64_t owner, std::uint64_t attempt = 0) {
    std::lock_guard lock(mutex_);
    auto it = owned_slots_.find(owner);
    if (it != owned_slots_.end() && open_slots_.contains(it->second)) {
      note_owned_attempt_locked(it->second, attempt);
      return it->second;
    }
    // (A closed one is replaced: no attempt of its task publishes under it again.)
    if (it != owned_slots_.end()) {
      producer_attempts_.erase(it->second);
      owned_attempts_.erase(it->second);
      room_.notify_all();  // (a publish of its task waiting for room throws)
    }
    const std::uint64_t slot = add_producer_locked();
    owned_slots_[owner] = slot;
    note_owned_attempt_locked(slot, attempt);
    return slot;
  }

  /// True while producer slot `slot` is open (a stream task's slot closes when it ends,
  /// or fails for good: not while it waits for its retry).
  bool producer_open(std::uint64_t slot) {
    std::lock_guard lock(mutex_);
    return open_slots_.contains(slot);
  }

  /// Waits while producer slot `slot` is open and `done()` is false (`done` runs under the
  /// channel's lock, at each change of the channel and at each wake()); returns done().
  /// (A consumer waiting for a lost element's bytes, net/stream_elements.hpp: its slot's
  /// close ends the wait at once.)
  template <class Done>
  bool wait_while_producer_open(std::uint64_t slot, Done done) {
    std::unique_lock lock(mutex_);
    data_.wait(lock, [&] { return done() || !open_slots_.contains(slot); });
    return done();
  }

  /// Wakes the waits of wait_while_producer_open: what their `done` looks at changed.
  void wake() {
    std::lock_guard lock(mutex_);
    data_.notify_all();
  }

  /// Appends `items` in order, blocking while the buffer is full (a list longer than the
  /// buffer goes in as room appears). Throws if the stream was already closed.
  void publish(std::vector<Element>& items) override {
    std::unique_lock lock(mutex_);
    publish_locked(lock, items, 0, 0);
  }

  /// publish by attempt `attempt` (> 0) of the producer task holding `slot` (a task on a
  /// worker, or run in this process: StreamHandle::begin_attempt). A newer attempt than the
  /// last seen is a retry, which publishes its elements again from the first: as many as
  /// earlier attempts published are dropped, by position (exact for a producer that
  /// publishes the same sequence each time). A file stream's retry is matched by file name
  /// instead (publish_locked), never by position: a retry may publish other files, or in
  /// another order. An older attempt (a lost worker's late request), or any attempt of a
  /// task that ended for good (its slot's record is gone), throws compss::Error and adds
  /// nothing.
  void publish_attempt(std::vector<Element>& items, std::uint64_t slot, std::uint64_t attempt) {
    std::unique_lock lock(mutex_);
    if (slot == 0 || attempt == 0) {
      publish_locked(lock, items, 0, 0);
      return;
    }
    auto it = producer_attempts_.find(slot);
    if (it == producer_attempts_.end()) throw ended_task("producer slot", slot);
    ProducerAttempt& p = it->second;
    if (attempt < p.attempt) throw stale_attempt();
    if (attempt > p.attempt) p = ProducerAttempt{attempt, p.accepted, p.accepted, 0};
    publish_locked(lock, items, slot, attempt);
  }

  /// close from attempt `attempt` of the producer task holding `slot`: ignored when a
  /// newer attempt exists (one that published, or that opened the slot again:
  /// add_producer_for) or the task ended for good (a lost worker's late request). Not
  /// the task's end: a retry may still publish under the slot (matched with this attempt).
  /// (A retry that closes cleanly having published fewer elements than its earlier
  /// attempts closes the stream with an error saying so: close_locked.)
  void close_attempt(std::uint64_t slot, const std::string& error, std::uint64_t attempt) {
    std::lock_guard lock(mutex_);
    if (attempt != 0 && slot != 0) {
      auto it = producer_attempts_.find(slot);
      if (it == producer_attempts_.end() || attempt < it->second.attempt) return;
      if (auto o = owned_attempts_.find(slot); o != owned_attempts_.end() && attempt < o->second) return;
    }
    close_locked(slot, error);
  }

  /// Adds elements found rather than published (a file stream's directory scan): after
  /// close too, and without blocking (they are files on disk, not memory). A file whose
  /// name the stream has is dropped.
  void add_found(std::vector<Element>& items) override {
    if (items.empty()) return;
    std::lock_guard lock(mutex_);
    for (Element& e : items) {
      if (e != nullptr && first_of_name_locked(e)) buffer_.push_back(std::move(e));
    }
    items.clear();
    data_.notify_all();
  }

  /// File streams: true while no file named `name` was added (published or found). Only a
  /// hint that saves a handle reading a known file: the add itself drops a name added
  /// before (two handles may both be told true).
  bool is_new_file(const std::string& name) override {
    std::lock_guard lock(mutex_);
    return !claimed_.contains(name);
  }

  /// True once close() was called and no producer slot is open.
  bool producers_done() override {
    std::lock_guard lock(mutex_);
    return is_closed_locked();
  }

  /// Closes producer slot `slot` for good (0: a close() from a handle that never
  /// published); a non-empty `error` is what consumers see at poll once they have taken the
  /// rest. What a slot or place opened for `slot` (add_producer_for, add_consumer_for) ends
  /// too: the master's copy of a task closes its slot when the task ended for good. No
  /// attempt publishes under `slot` afterwards (its record goes: see the class comment).
  /// (A task's attempt closes with close_attempt: a retry may follow it.)
  void close(std::uint64_t slot, const std::string& error) override {
    std::lock_guard lock(mutex_);
    close_locked(slot, error);
    end_owned_locked(slot, error);
    producer_attempts_.erase(slot);
  }

  /// close from a worker's handle (the stream service): the slot only (a task's body may
  /// close its slot and still poll with the place it opened).
  void close_one(std::uint64_t slot, const std::string& error) {
    std::lock_guard lock(mutex_);
    close_locked(slot, error);
  }

  /// True once producer slot `slot`'s task ended for good (close): no attempt of it
  /// publishes any more. (Also for a slot this channel never opened.)
  bool producer_ended(std::uint64_t slot) {
    std::lock_guard lock(mutex_);
    return !producer_attempts_.contains(slot);
  }

  // ---- consumers ----------------------------------------------------------------------

  /// A new consumer (`task`: a consumer task's, not the program's); at_least_once: it
  /// starts at the oldest element the log still holds.
  std::uint64_t add_consumer(bool task) override {
    std::lock_guard lock(mutex_);
    return add_consumer_locked(task);
  }

  /// The consumer place a worker's handle opens for the task holding `owner` (its
  /// producer slot): an earlier attempt's while it is still there, else a new one (see
  /// add_producer_for). It is removed with its owner. (One lock for the lookup and the
  /// add: two calls at once get one place, not an orphan that pins the log.)
  std::uint64_t add_consumer_for(std::uint64_t owner, std::uint64_t attempt = 0) {
    std::lock_guard lock(mutex_);
    auto it = owned_places_.find(owner);
    const std::uint64_t place = it != owned_places_.end() ? it->second : add_consumer_locked(false);
    owned_places_[owner] = place;
    note_owned_attempt_locked(place, attempt);
    return place;
  }

 private:
  std::uint64_t add_consumer_locked(bool task) {
    if (task) {
      ++consumer_tasks_;
      abandoned_.clear();  // a new consumer task takes elements again
    }
    std::uint64_t id = ++last_slot_;
    if (mode_ == ConsumerMode::at_least_once) consumers_[id] = Cursor{base_, base_, 0};
    if (mode_ == ConsumerMode::at_most_once) at_most_once_attempts_[id] = 0;
    return id;
  }

 public:

  /// A place taken by the program's handle now belongs to a consumer task.
  void count_consumer_task() override {
    std::lock_guard lock(mutex_);
    ++consumer_tasks_;
    abandoned_.clear();
  }

  /// The consumer is gone: it no longer holds elements in the log. A consumer task that
  /// failed (`failure` not empty) and was the last one releases publishers blocked on a
  /// full stream with an error rather than let them wait forever.
  void remove_consumer(std::uint64_t consumer, bool task, const std::string& failure) override {
    std::lock_guard lock(mutex_);
    remove_consumer_locked(consumer);
    end_owned_locked(consumer, failure);
    if (task && consumer_tasks_ > 0) --consumer_tasks_;
    if (task && consumer_tasks_ == 0 && !failure.empty()) {
      abandoned_ = failure;
      room_.notify_all();
    }
    trim_locked();
  }

  /// remove_consumer from attempt `attempt` of a task (a worker's handle; 0: none):
  /// ignored for a place a worker's handle opened (add_consumer_for) that a newer attempt
  /// of its task opened again or used (an attempt given up on that still ran and returned:
  /// its end must not take the place from its retry).
  void remove_consumer_attempt(std::uint64_t consumer, bool task, const std::string& failure,
                               std::uint64_t attempt) {
    {
      std::lock_guard lock(mutex_);
      if (attempt != 0 && owned_attempts_.contains(consumer) && attempt < latest_attempt_locked(consumer)) return;
    }
    remove_consumer(consumer, task, failure);
  }

  /// at_least_once: the consumer starts again from what it last finished with.
  void rewind(std::uint64_t consumer) override {
    std::lock_guard lock(mutex_);
    auto it = consumers_.find(consumer);
    if (it != consumers_.end()) it->second.delivered = it->second.last_start = it->second.committed;
    data_.notify_all();
  }

  /// at_least_once: everything delivered to the consumer is finished with.
  void commit(std::uint64_t consumer) override {
    std::lock_guard lock(mutex_);
    commit_locked(consumer);
  }

  /// at_least_once, attempt `attempt` (> 0) of a consumer task operates: a newer attempt
  /// than the last seen rewinds the consumer (begin_attempt); an older one throws
  /// compss::Error (it is stale: its task runs again elsewhere). 0: no check.
  void enter_attempt(std::uint64_t consumer, std::uint64_t attempt) {
    std::lock_guard lock(mutex_);
    enter_attempt_locked(consumer, attempt);
  }

  /// at_most_once: the consumer (attempt `attempt`, see enter_attempt) received what its
  /// poll named `batch` took (a poll with `confirm`; batch 0: what all its polls took):
  /// delivered for good. Its other batches stay unconfirmed: a confirmation never
  /// confirms a batch it does not name (one its port returned unread, or whose return the
  /// master refused, is given back with the place's end, never lost). False when the
  /// channel held none of it unconfirmed: given back, or given to the other consumers
  /// when its place was removed (its task ended while the attempt still ran): then its
  /// copies must not be used.
  bool acknowledge(std::uint64_t consumer, std::uint64_t attempt, std::uint64_t batch = 0) {
    std::lock_guard lock(mutex_);
    if (!at_most_once_attempts_.contains(consumer)) return false;  // removed: given to others
    enter_attempt_locked(consumer, attempt);
    if (take_unconfirmed_locked(consumer, batch).empty()) return false;
    data_.notify_all();  // (others' is_closed may hold now)
    return true;
  }

  /// at_most_once: attempt `attempt` of the consumer is gone (its connection broke) before
  /// it confirmed what its polls took: they are returned to its place (its retry's next
  /// poll takes them first). Nothing when a newer attempt took them back already.
  void give_back(std::uint64_t consumer, std::uint64_t attempt) {
    std::lock_guard lock(mutex_);
    auto it = unconfirmed_.find(consumer);
    if (it == unconfirmed_.end() || it->second.attempt != attempt) return;
    return_unconfirmed_locked(consumer);
  }

  /// at_most_once: attempt `attempt` of the consumer gives back, unread, what its poll
  /// named `batch` took and it never confirmed (a worker's port prefetched a batch its
  /// user did not take; 0: all its polls'): to the front of the buffer for every consumer
  /// (`to_buffer`), else to the front of its place's returned elements (its next poll
  /// takes them first). False when it held none (confirmed, given back already, or a
  /// newer attempt's).
  bool return_unread(std::uint64_t consumer, std::uint64_t attempt, std::uint64_t batch, bool to_buffer) {
    std::lock_guard lock(mutex_);
    auto it = unconfirmed_.find(consumer);
    if (it == unconfirmed_.end() || it->second.attempt != attempt) return false;
    std::vector<Element> back = take_unconfirmed_locked(consumer, batch);
    if (back.empty()) return false;
    std::deque<Element>& to = to_buffer ? buffer_ : returned_[consumer];
    to.insert(to.begin(), std::make_move_iterator(back.begin()), std::make_move_iterator(back.end()));
    data_.notify_all();
    return true;
  }

  /// Waits up to `timeout` seconds for elements, then takes what there is (possibly
  /// nothing). Once the stream is closed with an error and the consumer has taken the
  /// rest, throws compss::Error with that error.
  std::vector<Element> poll(std::uint64_t consumer, double timeout) override {
    return poll_attempt(consumer, timeout, 0);
  }

  /// poll for attempt `attempt` of a consumer task (see enter_attempt; 0: no check). An
  /// attempt superseded while it waited takes nothing (compss::Error). `fits` (when set)
  /// is asked, in order, about each element it would take, and the poll stops before the
  /// first it refuses (at least one is always taken): a reply that must stay below a
  /// size (the stream service's). `confirm` (at_most_once, a poll from another process):
  /// what it takes stays unconfirmed, as batch `batch` (its consumer's name for the poll),
  /// until acknowledge (see the class comment). An
  /// at_most_once attempt whose place was removed (its task ended for good) takes nothing
  /// (compss::Error): the other consumers' elements are not its. `lag_commit`
  /// (at_least_once, a port's prefetch poll: its user is still handling the last batch it
  /// was given): commits only up to the start of that batch, not all delivered.
  std::vector<Element> poll_attempt(std::uint64_t consumer, double timeout, std::uint64_t attempt,
                                    const std::function<bool(const Element&)>& fits = {},
                                    bool confirm = false, bool lag_commit = false, std::uint64_t batch = 0) {
    std::unique_lock lock(mutex_);
    enter_attempt_locked(consumer, attempt);
    refuse_removed_place_locked(consumer, attempt, confirm);
    // The previous poll's elements are finished with (a prefetch poll: those before it).
    if (lag_commit) {
      commit_to_last_start_locked(consumer);
    } else {
      commit_locked(consumer);
    }
    const auto deadline = Clock::now() + to_duration(timeout);
    data_.wait_until(lock, deadline, [&] { return available_locked(consumer) != 0 || drained_locked(consumer); });
    enter_attempt_locked(consumer, attempt);
    refuse_removed_place_locked(consumer, attempt, confirm);
    std::vector<Element> out;
    auto takes = [&](const Element& e) { return !fits || fits(e) || out.empty(); };
    if (mode_ == ConsumerMode::at_most_once) {
      // What an attempt of this consumer took and never confirmed comes first (all of it
      // before anything newer: per-producer order).
      bool returned_all = true;
      if (auto r = returned_.find(consumer); r != returned_.end()) {
        while (!r->second.empty() && takes(r->second.front())) {
          out.push_back(std::move(r->second.front()));
          r->second.pop_front();
        }
        returned_all = r->second.empty();
        if (returned_all) returned_.erase(r);
      }
      while (returned_all && !buffer_.empty() && takes(buffer_.front())) {
        out.push_back(std::move(buffer_.front()));
        buffer_.pop_front();
      }
      if (confirm && !out.empty()) {
        Unconfirmed& u = unconfirmed_[consumer];
        u.attempt = attempt;
        u.batches.emplace_back(batch, out);
      }
    } else if (auto it = consumers_.find(consumer); it != consumers_.end()) {
      Cursor& c = it->second;
      const std::uint64_t start = c.delivered;
      while (c.delivered < base_ + buffer_.size() && takes(buffer_[c.delivered - base_])) {
        out.push_back(buffer_[c.delivered - base_]);
        ++c.delivered;
      }
      if (!out.empty()) c.last_start = start;
    }
    if (!out.empty()) room_.notify_all();
    if (out.empty() && drained_locked(consumer) && !error_.empty()) {
      throw Error("compss: stream " + std::to_string(id_) + " was closed by a failed producer: " + error_);
    }
    return out;
  }

  /// True once every producer closed and this consumer has taken everything published,
  /// and (at_most_once) no other consumer holds elements that may still come back to the
  /// buffer (see drained_locked). (Not while a producer's error is left to see: the
  /// consumer's next poll throws it.)
  bool is_closed(std::uint64_t consumer) override {
    std::lock_guard lock(mutex_);
    return drained_locked(consumer) && error_.empty();
  }

  /// Elements held now (for tests and the memory bound).
  std::size_t buffered() {
    std::lock_guard lock(mutex_);
    return buffered_locked();
  }

  /// True while at_most_once place `place` exists (opened, not removed yet).
  bool at_most_once_place_open(std::uint64_t place) {
    std::lock_guard lock(mutex_);
    return at_most_once_attempts_.contains(place);
  }

  /// Records kept per producer slot or consumer place now (for tests: bounded by the tasks
  /// not ended for good, however many ended; see the class comment).
  std::size_t task_records() {
    std::lock_guard lock(mutex_);
    return producer_attempts_.size() + open_slots_.size() + at_most_once_attempts_.size() +
           consumers_.size() + unconfirmed_.size() + returned_.size() + owned_slots_.size() +
           owned_places_.size() + owned_attempts_.size();
  }

 private:
  struct ProducerAttempt {
    std::uint64_t attempt = 0;   // the latest attempt seen
    std::uint64_t accepted = 0;  // elements added by all attempts
    std::uint64_t skip = 0;      // this attempt's first `skip` elements were added before
    std::uint64_t seen = 0;      // elements this attempt published
  };

  Error stale_attempt() const {
    return Error("compss: stream " + std::to_string(id_) + ": this task attempt was superseded "
                 "by a newer one (its worker was given up on)");
  }
  Error ended_task(const char* what, std::uint64_t number) const {
    return Error("compss: stream " + std::to_string(id_) + ": the task of " + what + " " +
                 std::to_string(number) + " has ended (its worker was given up on): this attempt "
                 "may no longer use it");
  }

  // A worker's handle of attempt `attempt` opened (or opened again) slot or place `id`.
  void note_owned_attempt_locked(std::uint64_t id, std::uint64_t attempt) {
    std::uint64_t& latest = owned_attempts_[id];
    latest = std::max(latest, attempt);
  }

  // The latest attempt seen of the task holding place `id`: it opened it, or polled with it.
  std::uint64_t latest_attempt_locked(std::uint64_t id) const {
    std::uint64_t latest = 0;
    if (auto o = owned_attempts_.find(id); o != owned_attempts_.end()) latest = o->second;
    if (auto a = at_most_once_attempts_.find(id); a != at_most_once_attempts_.end()) latest = std::max(latest, a->second);
    if (auto c = consumers_.find(id); c != consumers_.end()) latest = std::max(latest, c->second.attempt);
    return latest;
  }

  std::uint64_t add_producer_locked() {
    const std::uint64_t slot = ++last_slot_;
    open_slots_.insert(slot);
    producer_attempts_.try_emplace(slot);
    return slot;
  }

  // An at_most_once attempt's call that would take elements, on a place removed (its task
  // ended for good, or its handle removed it): refused; so is any confirmed poll (another
  // process's) of a removed place. (The program's polls, attempt 0, are not attempts of a
  // task.)
  void refuse_removed_place_locked(std::uint64_t consumer, std::uint64_t attempt, bool confirm) const {
    if ((attempt != 0 || confirm) && mode_ == ConsumerMode::at_most_once &&
        !at_most_once_attempts_.contains(consumer)) {
      throw ended_task("consumer place", consumer);
    }
  }

  // Adds `items` for attempt `attempt` of the task holding `slot` (0, 0: not an attempt's
  // publish). Its record is looked up again after each wait for room, never kept across
  // one: the task may end for good meanwhile (close, a time_out's watchdog, a lost
  // worker's), which erases it; the attempt then adds nothing more.
  void publish_locked(std::unique_lock<std::mutex>& lock, std::vector<Element>& items,
                      std::uint64_t slot, std::uint64_t attempt) {
    const bool attempted = slot != 0 && attempt != 0;
    // The attempt's record while it may still add elements, else throws why not.
    auto record = [&]() -> ProducerAttempt& {
      auto it = producer_attempts_.find(slot);
      if (it == producer_attempts_.end()) throw ended_task("producer slot", slot);
      if (it->second.attempt != attempt) throw stale_attempt();  // superseded meanwhile
      return it->second;
    };
    // (Unbounded, the sequential build: one handle serves the producer calls one after
    // the other, each closing it; a publish after a close opens it again.)
    auto closed = [&] {
      return Error("compss: publish on a closed stream (id " + std::to_string(id_) + ")");
    };
    // (A retried producer may republish what it published before the stream closed: only
    // an element that would be added is refused.)
    if (!attempted && bounded_ && is_closed_locked()) throw closed();
    for (Element& e : items) {
      if (e == nullptr) continue;
      if (name_of_ != nullptr) {
        if (claimed_.contains(name_of_(e.get()))) continue;  // a file the stream has
      } else if (attempted) {
        ProducerAttempt& p = record();
        if (p.seen++ < p.skip) continue;  // an earlier attempt added it
      }
      if (bounded_ && is_closed_locked()) throw closed();
      room_.wait(lock, [&] {
        return !bounded_ || buffered_locked() < capacity_ || !abandoned_.empty() || is_closed_locked() ||
               (attempted && !producer_attempts_.contains(slot));
      });
      // Closed while it waited (a failed producer's slot closed by its task's end, the
      // others done): consumers that saw the close are gone; adding it would lose it.
      if (bounded_ && is_closed_locked()) throw closed();
      if (attempted) record();  // (ended for good or superseded while it waited: throws)
      if (bounded_ && buffered_locked() >= capacity_) {
        // Full, and the last consumer task failed: waiting would never end.
        throw Error("compss: stream " + std::to_string(id_) + " is full and its last consumer task failed (" +
                    abandoned_ + "): nothing will take more elements");
      }
      // (A file another handle added while this one waited for room: once only.)
      if (name_of_ != nullptr && !first_of_name_locked(e)) continue;
      buffer_.push_back(std::move(e));
      if (attempted) ++record().accepted;
      data_.notify_all();  // (consumers may take some while a long list waits for room)
    }
    items.clear();
  }

  // Why a retried producer whose slot closes cleanly diverged, "" when it did not: it
  // published fewer elements than its earlier attempts (an object stream's; matched by
  // position, consumers got elements this attempt did not make). (Another sequence of as
  // many elements is not detected: elements are not compared.)
  std::string fewer_than_before_locked(std::uint64_t slot) const {
    auto it = producer_attempts_.find(slot);
    if (name_of_ != nullptr || it == producer_attempts_.end() || it->second.seen >= it->second.skip) return {};
    return "compss: stream " + std::to_string(id_) + ": a retried producer task published " +
           std::to_string(it->second.seen) + " elements, fewer than its earlier attempts (" +
           std::to_string(it->second.skip) + "): a retry is matched with them by position, so its "
           "producer must publish the same sequence at each attempt (a deterministic producer); "
           "consumers were given elements this attempt did not make";
  }

  // File streams: true (and the name recorded) when no element of e's name was added
  // before; true for any element of another stream.
  bool first_of_name_locked(const Element& e) {
    return name_of_ == nullptr || claimed_.insert(name_of_(e.get())).second;
  }

  struct Cursor {
    std::uint64_t delivered;
    std::uint64_t committed;
    std::uint64_t attempt;  // the latest attempt of its task seen (0: none)
    std::uint64_t last_start = 0;  // where the last poll that took elements started
  };

  void enter_attempt_locked(std::uint64_t consumer, std::uint64_t attempt) {
    if (attempt == 0) return;
    if (mode_ == ConsumerMode::at_most_once) {
      // No place to rewind, but a dead attempt's late poll must take nothing. (A removed
      // place has nothing to give back: refuse_removed_place_locked refuses its polls.)
      auto it = at_most_once_attempts_.find(consumer);
      if (it == at_most_once_attempts_.end()) return;
      std::uint64_t& latest = it->second;
      if (attempt < latest) throw stale_attempt();
      latest = attempt;
      // What an older attempt took and never confirmed is this one's to take again.
      if (auto u = unconfirmed_.find(consumer); u != unconfirmed_.end() && u->second.attempt < attempt) {
        return_unconfirmed_locked(consumer);
      }
      return;
    }
    auto it = consumers_.find(consumer);
    if (it == consumers_.end()) return;
    Cursor& c = it->second;
    if (attempt < c.attempt) throw stale_attempt();
    if (attempt > c.attempt) {
      c.attempt = attempt;
      c.delivered = c.committed;  // a new attempt starts from what was finished with
      c.last_start = c.committed;
    }
  }

  static Clock::duration to_duration(double seconds) {
    if (!(seconds > 0)) return Clock::duration::zero();
    const double cap = 365.0 * 24 * 3600;  // "forever", without overflowing the clock
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::min(seconds, cap)));
  }

  bool is_closed_locked() const noexcept { return close_requested_ && open_slots_.empty(); }
  std::size_t buffered_locked() const noexcept { return buffer_.size(); }

  // Nothing is left for `consumer` to read, now or later: the stream is closed, it took
  // everything, and (at_most_once) no other consumer holds elements it has not confirmed
  // receiving or was given back (a consumer that fails for good returns them to the
  // buffer: remove_consumer; a consumer that saw the stream closed before would leave them
  // unread). Its own unconfirmed ones are not counted: it is receiving them (given back,
  // they are its available ones).
  bool drained_locked(std::uint64_t consumer) const {
    if (!is_closed_locked() || available_locked(consumer) != 0) return false;
    if (mode_ != ConsumerMode::at_most_once) return true;
    auto others = [consumer](const auto& by_consumer) {
      return std::ranges::any_of(by_consumer, [consumer](const auto& entry) { return entry.first != consumer; });
    };
    return !others(unconfirmed_) && !others(returned_);
  }

  std::size_t available_locked(std::uint64_t consumer) const {
    if (mode_ == ConsumerMode::at_most_once) {
      auto r = returned_.find(consumer);
      return buffer_.size() + (r == returned_.end() ? 0 : r->second.size());
    }
    auto it = consumers_.find(consumer);
    if (it == consumers_.end()) return 0;
    return static_cast<std::size_t>(base_ + buffer_.size() - it->second.delivered);
  }

  void close_locked(std::uint64_t slot, const std::string& error) {
    close_requested_ = true;
    const bool was_open = slot != 0 && open_slots_.erase(slot) != 0;
    if (!error.empty() && error_.empty() && (was_open || slot == 0)) error_ = error;
    if (error.empty() && error_.empty() && was_open) error_ = fewer_than_before_locked(slot);
    data_.notify_all();
    room_.notify_all();
  }

  // The consumer is gone; what it was given back and what it never confirmed go back to
  // the buffer's front, in order, for the other consumers.
  void remove_consumer_locked(std::uint64_t consumer) {
    consumers_.erase(consumer);
    at_most_once_attempts_.erase(consumer);
    owned_attempts_.erase(consumer);
    // A place a worker's handle opened, removed by that handle: its task's retry must get
    // a place that exists (add_consumer_for), not this one.
    std::erase_if(owned_places_, [&](const auto& owned) { return owned.second == consumer; });
    return_unconfirmed_locked(consumer);
    if (auto r = returned_.find(consumer); r != returned_.end()) {
      buffer_.insert(buffer_.begin(), std::make_move_iterator(r->second.begin()),
                     std::make_move_iterator(r->second.end()));
      returned_.erase(r);
      data_.notify_all();
    }
  }

  // Ends what a worker's handle opened for `owner` (its task ended for good): its slot
  // closes with `error`, its place goes.
  void end_owned_locked(std::uint64_t owner, const std::string& error) {
    if (owner == 0) return;
    if (auto it = owned_slots_.find(owner); it != owned_slots_.end()) {
      close_locked(it->second, error);
      producer_attempts_.erase(it->second);  // (its task ended for good with its owner)
      owned_attempts_.erase(it->second);
      owned_slots_.erase(it);
    }
    if (auto it = owned_places_.find(owner); it != owned_places_.end()) {
      const std::uint64_t place = it->second;
      owned_places_.erase(it);  // (before: remove_consumer_locked erases what names `place`)
      remove_consumer_locked(place);
      trim_locked();
    }
  }

  // The consumer's unconfirmed elements go to the front of its returned ones (they were
  // taken after them: returned ones are taken first), in order.
  void return_unconfirmed_locked(std::uint64_t consumer) {
    std::vector<Element> back = take_unconfirmed_locked(consumer, 0);
    if (back.empty()) return;
    std::deque<Element>& r = returned_[consumer];
    r.insert(r.begin(), std::make_move_iterator(back.begin()), std::make_move_iterator(back.end()));
    data_.notify_all();
  }

  // Takes out of the consumer's unconfirmed elements those of its poll named `batch` (0:
  // all its polls', in order); the entry goes once none is left.
  std::vector<Element> take_unconfirmed_locked(std::uint64_t consumer, std::uint64_t batch) {
    std::vector<Element> taken;
    auto u = unconfirmed_.find(consumer);
    if (u == unconfirmed_.end()) return taken;
    auto& batches = u->second.batches;
    std::erase_if(batches, [&](auto& named) {
      if (batch != 0 && named.first != batch) return false;
      taken.insert(taken.end(), std::make_move_iterator(named.second.begin()),
                   std::make_move_iterator(named.second.end()));
      return true;
    });
    if (batches.empty()) unconfirmed_.erase(u);
    return taken;
  }

  // at_least_once: commits up to where the consumer's last batch started (its user is
  // still handling that batch: a kill must give it again).
  void commit_to_last_start_locked(std::uint64_t consumer) {
    auto it = consumers_.find(consumer);
    if (it == consumers_.end()) return;
    it->second.committed = std::max(it->second.committed, std::min(it->second.last_start, it->second.delivered));
    trim_locked();
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
  const ElementCodec* const codec_;
  const NameOf name_of_;  // a file stream's (null: elements are not known by name)

  std::mutex mutex_;
  std::condition_variable data_;  // elements arrived, or the stream closed
  std::condition_variable room_;  // the buffer has room again
  std::deque<Element> buffer_;    // at_least_once: the log, buffer_[0] has offset base_
  std::uint64_t base_ = 0;
  std::map<std::uint64_t, Cursor> consumers_;  // at_least_once only
  std::map<std::uint64_t, std::uint64_t> at_most_once_attempts_;  // open place -> latest attempt
  struct Unconfirmed {
    std::uint64_t attempt = 0;  // the attempt whose polls took them
    std::vector<std::pair<std::uint64_t, std::vector<Element>>> batches;  // (poll's name, its elements), in order
  };
  std::map<std::uint64_t, Unconfirmed> unconfirmed_;          // at_most_once, by consumer
  std::map<std::uint64_t, std::deque<Element>> returned_;     // at_most_once, by consumer
  std::map<std::uint64_t, std::uint64_t> owned_slots_;   // owner -> slot a worker's handle opened
  std::map<std::uint64_t, std::uint64_t> owned_places_;  // owner -> place a worker's handle opened
  std::map<std::uint64_t, std::uint64_t> owned_attempts_;  // such a slot or place -> latest attempt that opened it
  std::uint64_t last_slot_ = 0;
  std::set<std::uint64_t> open_slots_;  // producer slots not closed yet
  // By slot, from its opening until its task ended for good (close, end_owned_locked).
  std::map<std::uint64_t, ProducerAttempt> producer_attempts_;
  bool close_requested_ = false;
  std::string error_;
  std::uint32_t consumer_tasks_ = 0;
  std::string abandoned_;  // the failure of the last consumer task, when it failed
  std::set<std::string> claimed_;  // file streams: the names of the files added
};

}  // namespace compss::detail
