// Streams (SPEC section 5, docs/streams.md): compss::ObjectStream<T> and compss::FileStream.
//
//   #pragma compss task stream_out(s)
//   void sensor(compss::ObjectStream<double>& s) {
//     for (int i = 0; i < 100; ++i) s.publish(read_sensor(i));
//     s.close();
//   }
//   #pragma compss task stream_in(s) inout(n)
//   void count(compss::ObjectStream<double>& s, long& n) {
//     while (!s.is_closed()) n += static_cast<long>(s.poll().size());
//   }
//
// A handle is used by one thread at a time; the stream behind it (detail::StreamChannel)
// is shared by every handle on it, across threads.
#pragma once

#include <compss/detail/stream_channel.hpp>
#include <compss/detail/stream_files.hpp>
#include <compss/detail/stream_remote.hpp>
#include <compss/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

namespace compss::detail {

/// The process's streams by alias, so that two handles with the same alias share one
/// stream. Streams without an alias are not listed. Thread-safe (one mutex). `name_of`: a
/// file stream's (StreamChannel, "Files").
inline std::shared_ptr<StreamChannel> open_channel(const std::string& alias, std::type_index type,
                                                   ConsumerMode mode, std::size_t capacity,
                                                   const ElementCodec* codec,
                                                   StreamChannel::NameOf name_of = nullptr) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<StreamChannel>> by_alias;
  static std::atomic<std::uint64_t> last_id{0};
#ifdef __COMPSS__
  constexpr bool bounded = true;
#else
  constexpr bool bounded = false;  // sequential: the producer runs to its end before any consumer
#endif
  auto make = [&] {
    auto made = std::make_shared<StreamChannel>(++last_id, type, mode, capacity, bounded, codec, name_of);
#ifdef __COMPSS__
    register_stream_channel(made);  // the stream service finds it by id (workers' tasks)
#endif
    return made;
  };
  if (alias.empty()) return make();
  std::lock_guard lock(mutex);
  if (auto known = by_alias[alias].lock()) {
    if (known->type() != type || known->mode() != mode) {
      throw Error("compss: stream alias '" + alias + "' is already a stream of another element type "
                  "or consumer mode; give this stream another alias");
    }
    return known;
  }
  auto made = make();
  by_alias[alias] = made;
  return made;
}

/// What ObjectStream<T> and FileStream share: the stream, and this handle's producer slot
/// and consumer place (each taken at first use, or given to a task's copy at submission).
/// Copying a handle shares the stream, not the slots.
///
/// On a worker, a task's handle is made from its StreamTicket: a port onto the master's
/// channel, with the slot or place the master's copy of the task holds. That handle only
/// borrows them: the master ends them when it learns how the task ended (end_task there).
class StreamHandle {
 public:
  /// The stream's number in this process.
  std::uint64_t id() const noexcept { return channel_->id(); }
  const std::string& alias() const noexcept { return alias_; }
  ConsumerMode mode() const noexcept { return channel_->mode(); }

  /// This handle publishes no more. The stream closes once every producer closed.
  void close() { close_slot({}); }

  // ---- used by task bindings (bindings.hpp) and inline calls (call_task.hpp) ------------

  /// A handle for one task: a producer slot (stream_out) taken now, at submission, so the
  /// stream stays open until the task ends; or a consumer place (stream_in), so an
  /// at_least_once log keeps what the task has not read yet.
  /// An at_least_once handle's own place, unused yet, goes to its first consumer task,
  /// so a task has the place its handle had since its creation (docs/streams.md,
  /// "Consumers join at_least_once streams when their handle is made").
  template <class S>
  static S for_task(S& user, bool producer) {
    S copy(user);
    if (producer) {
      copy.producer_ = copy.channel_->add_producer();
    } else if (user.consumer_ != 0 && !user.polled_ && !user.task_consumer_) {
      copy.consumer_ = std::exchange(user.consumer_, 0);
      copy.channel_->count_consumer_task();
    } else {
      copy.consumer_ = copy.channel_->add_consumer(true);
    }
    if (!producer) copy.task_consumer_ = true;
    return copy;
  }
  /// A new attempt of the task in this process: a consumer starts again from what it last
  /// finished with; a producer's publishes carry the attempt, so the channel matches them
  /// with its earlier attempts' (by position; a file stream's by name), as a worker's
  /// (StreamChannel::publish_attempt, docs/streams.md "A failed producer"). (Numbers from the tickets' counter: a task
  /// retried between this process and a worker keeps them increasing.)
  void begin_attempt() {
    if (consumer_ != 0) channel_->rewind(consumer_);
#ifdef __COMPSS__
    if (borrowed_) return;  // (a worker's handle: its ticket carries the attempt)
    attempt_ = next_stream_attempt();
    if (producer_ == 0) producer_ = retry_slot_;  // an earlier attempt's close(): same slot
    closed_ = false;
#endif
  }
  /// A worker's task returned: throws what its publishes met (RemoteStreamPort::finish),
  /// so it fails instead of answering success (remote_invoke.hpp, StreamSlot).
  void finish_task() {
    if (borrowed_) channel_->finish();
    returned_ = true;
  }
  /// The task ended: a producer slot still open closes (with `error` when it failed); a
  /// consumer commits what it took (when it succeeded) and leaves.
  void end_task(bool succeeded, const std::string& error) noexcept {
    if (borrowed_) {  // a worker's handle: the master's copy of the task ends them...
      // ...and what this handle opened itself (a stream_in task that publishes, a producer
      // that polls) too, with the task (close, remove_consumer of its slot or place there):
      // a retry of the task gets them again, so a failed attempt leaves them open (closing
      // its slot cleanly would let the retry republish under a new one, duplicating what
      // was delivered; removing its place would leave the retry a place that is gone).
      // Only a task that returned (finish_task passed) ends them here, sooner. Each is
      // tried on its own: a port sends them even with a publish's error pending.
      if (!returned_) own_producer_ = own_consumer_ = false;
      try {
        if (own_producer_ && producer_ != 0) channel_->close(producer_, succeeded ? std::string() : error);
      } catch (...) {
        // The master is gone, or a publish's error (finish_task told it): nothing else to do.
      }
      try {
        if (own_consumer_ && consumer_ != 0) channel_->remove_consumer(consumer_, false, {});
      } catch (...) {
      }
      producer_ = 0;
      consumer_ = 0;
      own_producer_ = own_consumer_ = false;
      return;
    }
    try {
      // (A slot its attempt closed ends now: no retry publishes under it any more.)
      const std::uint64_t slot = producer_ != 0 ? producer_ : retry_slot_;
      if (slot != 0) channel_->close(slot, succeeded ? std::string() : error);
      producer_ = 0;
      retry_slot_ = 0;
      if (consumer_ != 0) {
        if (succeeded) channel_->commit(consumer_);
        channel_->remove_consumer(consumer_, task_consumer_, succeeded ? std::string() : error);
      }
      consumer_ = 0;
      task_consumer_ = false;
    } catch (...) {
      // Out of memory copying the error: the slot stays open; nothing else can throw.
    }
  }

 protected:
  /// A handle made by the program: on an at_least_once stream it takes its consumer place
  /// now, so the log keeps every element for it (or for the task it is given to).
  StreamHandle(std::shared_ptr<StreamChannel> channel, std::string alias)
      : channel_(std::move(channel)), alias_(std::move(alias)) {
    if (channel_->mode() == ConsumerMode::at_least_once) consumer_ = channel_->add_consumer(false);
  }
  /// A worker's handle for a task (see the class comment): `port` forwards to the master.
  StreamHandle(std::shared_ptr<StreamPort> port, const StreamTicket& ticket)
      : channel_(std::move(port)), alias_(ticket.alias), producer_(ticket.producer),
        consumer_(ticket.consumer), task_consumer_(ticket.consumer != 0), borrowed_(true) {}
  /// A copy shares the stream, not the slots; a copy of a worker's handle stays borrowed:
  /// what it opens is its task's (the port opens it for the task's owner), which the
  /// original's end or the master ends, never the copy's end (finish_task is not its).
  StreamHandle(const StreamHandle& other)
      : channel_(other.channel_), alias_(other.alias_), borrowed_(other.borrowed_) {}
  /// Moving keeps the slots (a task's handle is made by for_task and moved into place).
  StreamHandle(StreamHandle&& other) noexcept
      : channel_(other.channel_), alias_(other.alias_),
        producer_(std::exchange(other.producer_, 0)), consumer_(std::exchange(other.consumer_, 0)),
        closed_(other.closed_), task_consumer_(std::exchange(other.task_consumer_, false)),
        polled_(other.polled_), borrowed_(std::exchange(other.borrowed_, false)),
        returned_(std::exchange(other.returned_, false)),
        own_producer_(std::exchange(other.own_producer_, false)),
        own_consumer_(std::exchange(other.own_consumer_, false)),
        attempt_(std::exchange(other.attempt_, 0)), retry_slot_(std::exchange(other.retry_slot_, 0)) {}
  StreamHandle& operator=(StreamHandle&& other) noexcept {
    if (this != &other) {
      end_task(true, {});
      channel_ = other.channel_;
      alias_ = other.alias_;
      producer_ = std::exchange(other.producer_, 0);
      consumer_ = std::exchange(other.consumer_, 0);
      closed_ = other.closed_;
      task_consumer_ = std::exchange(other.task_consumer_, false);
      polled_ = other.polled_;
      borrowed_ = std::exchange(other.borrowed_, false);
      returned_ = std::exchange(other.returned_, false);
      own_producer_ = std::exchange(other.own_producer_, false);
      own_consumer_ = std::exchange(other.own_consumer_, false);
      attempt_ = std::exchange(other.attempt_, 0);
      retry_slot_ = std::exchange(other.retry_slot_, 0);
    }
    return *this;
  }
  StreamHandle& operator=(const StreamHandle& other) {
    if (this != &other) {
      end_task(true, {});
      channel_ = other.channel_;
      alias_ = other.alias_;
      closed_ = false;
      polled_ = false;
      borrowed_ = other.borrowed_;  // (as the copy constructor)
      returned_ = false;
      attempt_ = 0;
      retry_slot_ = 0;
    }
    return *this;
  }
  ~StreamHandle() { end_task(true, {}); }

  /// close(), with `error` (when not empty) for the consumers to see once they have taken
  /// the rest (FileStream: a file it could not send).
  void close_slot(const std::string& error) {
    if (attempt_ != 0) {
      // A task's attempt in this process: a retry may still publish under the slot (the
      // task's end closes it for good: end_task).
      static_cast<StreamChannel&>(*channel_).close_attempt(producer_, error, attempt_);
    } else {
      channel_->close(producer_, error);
    }
    if (attempt_ != 0 && producer_ != 0) retry_slot_ = producer_;  // a retry publishes under it
    producer_ = 0;
    closed_ = true;
    // A handle that closes is a producer: the at_least_once place it was given at its
    // creation (and never polled with) must not hold the log for nobody.
    if (consumer_ != 0 && !polled_ && !borrowed_) {
      channel_->remove_consumer(consumer_, task_consumer_, {});
      consumer_ = 0;
    }
  }

  /// Publishes type-erased elements from this handle (its producer slot taken at first).
  void publish_elements(std::vector<StreamChannel::Element>& items) {
    if (closed_ && channel_->bounded()) throw Error("compss: publish after close() on this stream handle (stream " + std::to_string(id()) + ")");
    if (producer_ == 0) {
      producer_ = channel_->add_producer();
      own_producer_ = borrowed_;
    }
    if (attempt_ != 0) {
      // A task's attempt in this process: channel_ is the stream's own channel (open_channel).
      static_cast<StreamChannel&>(*channel_).publish_attempt(items, producer_, attempt_);
    } else {
      channel_->publish(items);
    }
  }
  std::vector<StreamChannel::Element> poll_elements(double timeout) {
    polled_ = true;
    if (!lost_.empty()) throw Error(std::exchange(lost_, std::string()));
    std::vector<StreamChannel::Element> items = channel_->poll(consumer_slot(), timeout);
#ifdef __COMPSS__
    // Elements workers published, fetched from them. One lost does not cost the others of
    // the batch: they come now, the loss is this handle's next poll's error.
    std::string lost = resolve_stream_elements(items, mode());
    if (!lost.empty() && items.empty()) throw Error(lost);
    lost_ = std::move(lost);
#endif
    return items;
  }
  bool closed_for_me() {
    polled_ = true;
    if (!lost_.empty()) return false;  // (the next poll reports the loss: not in silence)
    return channel_->is_closed(consumer_slot());
  }
  std::uint64_t consumer_slot() {
    if (consumer_ == 0) {
      consumer_ = channel_->add_consumer(false);
      own_consumer_ = borrowed_;
    }
    return consumer_;
  }

 public:
  /// What this task's handle takes to a worker (ParamVTable::save of a stream parameter,
  /// stream_vtable): a new attempt number each time a request is built.
  StreamTicket ticket() const {
    StreamTicket t;
    t.stream = channel_->id();
    t.producer = producer_ != 0 ? producer_ : retry_slot_;  // (closed by an attempt here)
    t.consumer = consumer_;
    t.attempt = next_stream_attempt();
    t.mode = static_cast<std::uint8_t>(channel_->mode());
    t.alias = alias_;
    t.port = stream_service_port();
    return t;
  }

 protected:
  std::shared_ptr<StreamPort> channel_;
  std::string alias_;
  std::uint64_t producer_ = 0;  // 0: none (yet)
  std::uint64_t consumer_ = 0;  // 0: none (yet)
  bool closed_ = false;         // close() was called on this handle
  bool task_consumer_ = false;  // consumer_ is a consumer task's place
  bool polled_ = false;         // this handle polled (its place is its own, not a task's)
  bool borrowed_ = false;       // a worker's handle: slot and place are the master's to end
  bool returned_ = false;       // borrowed, and its task returned (finish_task passed)
  bool own_producer_ = false;   // borrowed, and producer_ was opened by this handle (it ends it)
  bool own_consumer_ = false;   // borrowed, and consumer_ was opened by this handle (it ends it)
  std::string lost_;            // an element its last poll found lost: the next poll throws it
  std::uint64_t attempt_ = 0;     // a task's handle in this process: its attempt (0: none)
  std::uint64_t retry_slot_ = 0;  // the slot its attempts publish under, after a close()
};

}  // namespace compss::detail

namespace compss {

/// A stream of T elements (any type a task parameter can be). Same alias, same stream.
///
///   compss::ObjectStream<std::vector<double>> steps("steps", compss::at_least_once);
///   steps.publish(std::move(field));          // moved in, no copy
///   for (auto& f : steps.poll(0.5)) use(f);   // waits up to 0.5 s for elements
template <class T>
class ObjectStream : public detail::StreamHandle {
 public:
  using value_type = T;

  /// `capacity`: elements the stream holds before a publisher blocks.
  explicit ObjectStream(std::string alias = "", ConsumerMode mode = ConsumerMode::at_most_once,
                        std::size_t capacity = default_stream_capacity)
      : StreamHandle(detail::open_channel(alias, typeid(ObjectStream<T>), mode, capacity,
                                          detail::codec_for<T>()),
                     alias) {}
  ObjectStream(const ObjectStream&) = default;
  ObjectStream& operator=(const ObjectStream&) = default;
  ObjectStream(ObjectStream&&) noexcept = default;
  ObjectStream& operator=(ObjectStream&&) noexcept = default;

  /// Appends one element; blocks while the stream is full.
  void publish(const T& value) { publish_one(std::make_shared<T>(value)); }
  void publish(T&& value) { publish_one(std::make_shared<T>(std::move(value))); }
  /// Appends the elements in order (each moved, not copied).
  void publish(std::vector<T> values) {
    std::vector<detail::StreamChannel::Element> items;
    items.reserve(values.size());
    for (T& v : values) items.push_back(std::make_shared<T>(std::move(v)));
    publish_elements(items);
  }

  /// Waits up to `timeout` seconds for elements and returns those there are (possibly
  /// none). Throws compss::Error once a failed producer closed the stream and the rest
  /// was taken.
  std::vector<T> poll(double timeout = 0.2) {
    std::vector<detail::StreamChannel::Element> items = poll_elements(timeout);
    std::vector<T> out;
    out.reserve(items.size());
    const bool shared = mode() == ConsumerMode::at_least_once;  // other consumers read it too
    for (auto& e : items) {
      if (shared) {
        out.push_back(*static_cast<const T*>(e.get()));
      } else {
        out.push_back(std::move(*static_cast<T*>(e.get())));
      }
    }
    return out;
  }

  /// True once every producer closed and this handle took everything published.
  bool is_closed() { return closed_for_me(); }

  /// Its elements can cross the network (its tasks may run on workers).
  static constexpr bool travels = is_serializable_v<T> && std::is_default_constructible_v<T>;
  /// A worker's handle for a task, onto the master's stream (stream_remote.hpp).
  static ObjectStream from_ticket(const detail::StreamTicket& ticket) {
    return ObjectStream(detail::open_remote_port(ticket, detail::codec_for<T>()), ticket);
  }

 private:
  ObjectStream(std::shared_ptr<detail::StreamPort> port, const detail::StreamTicket& ticket)
      : StreamHandle(std::move(port), ticket) {}

  void publish_one(detail::StreamChannel::Element e) {
    std::vector<detail::StreamChannel::Element> items;
    items.push_back(std::move(e));
    publish_elements(items);
  }
};

/// A stream of files in a directory. A producer writes a file into `base_dir` and
/// publishes its path; a file nobody publishes is picked up by poll once it looks
/// complete (docs/streams.md, "File streams": name not starting with '.' nor ending in
/// .part or .tmp, and unchanged for a second or the stream closed). Each file is
/// delivered once (at_most_once) or once to every consumer (at_least_once).
///
/// Without a shared file system (compss-run --shared-fs no) a task's handle on a worker
/// has a directory of its own (base_dir() there), and files travel with their elements
/// (detail/stream_files.hpp): a consumer finds each file it polls, complete, in its
/// base_dir() under the name it had in the producer's.
///
///   compss::FileStream out("frames");
///   write_file("frames/.f1.part"); std::filesystem::rename(...); out.publish("frames/f1");
class FileStream : public detail::StreamHandle {
 public:
  explicit FileStream(std::filesystem::path base_dir, std::string alias = "",
                      ConsumerMode mode = ConsumerMode::at_most_once,
                      std::size_t capacity = default_stream_capacity)
      : StreamHandle(detail::open_channel(alias, typeid(FileStream), mode, capacity,
                                          detail::codec_for<detail::StreamFile>(),
                                          &detail::stream_file_name),
                     alias),
        base_dir_(std::filesystem::absolute(base_dir).lexically_normal()), master_dir_(base_dir_) {
    make_base_dir();
  }
  FileStream(const FileStream&) = default;
  FileStream& operator=(const FileStream&) = default;
  FileStream(FileStream&&) noexcept = default;
  FileStream& operator=(FileStream&&) noexcept = default;
  ~FileStream() {
    if (producer_ == 0) return;
    // A producer task that ends without close(): its unpublished files go now. One it could
    // not send (or a failed send) closes its slot with the reason, which consumers see.
    std::string error;
    try {
      error = send_unpublished();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "compss: file stream: sending a producer's unpublished files failed";
    }
    if (error.empty()) return;
    try {
      close_slot(error);
    } catch (...) {
      // (The connection to the master is gone: the task's end is reported there anyway.)
    }
  }

  /// This handle publishes no more. The stream closes once every producer closed. Files
  /// it could not send (see send_unpublished) close it with an error naming them.
  void close() { close_slot(send_unpublished()); }

  /// Where this handle's files are: the stream's directory, or on a worker without the
  /// master's files, a directory of the task's own (removed when the task ends).
  const std::filesystem::path& base_dir() const noexcept { return base_dir_; }

  static constexpr bool travels = true;
  /// What this task's handle takes to a worker: its directory too (as the master names it).
  detail::StreamTicket ticket() const {
    detail::StreamTicket t = StreamHandle::ticket();
    t.base_dir = master_dir_.string();
    return t;
  }
  /// A worker's handle for a task, onto the master's stream (stream_remote.hpp).
  static FileStream from_ticket(const detail::StreamTicket& ticket) {
    return FileStream(detail::open_remote_port(ticket, detail::codec_for<detail::StreamFile>()),
                      ticket);
  }

  /// Announces a complete file (a path in base_dir, or relative to it).
  void publish(const std::filesystem::path& file) { publish(std::vector<std::filesystem::path>{file}); }
  /// A file whose bytes must travel and cannot be read is not published: the others are,
  /// then compss::Error names it. (Files that travel go in messages of about
  /// stream_files_message_bytes().)
  void publish(const std::vector<std::filesystem::path>& files) {
    std::vector<detail::StreamChannel::Element> items;
    std::size_t bytes = 0;
    std::string unreadable;
    for (const auto& f : files) {
      std::filesystem::path p = f.is_absolute() ? f.lexically_normal() : (base_dir_ / f).lexically_normal();
      try {
        // (A file the stream has, published by an earlier attempt or found by a scan, is
        // not sent again: the channel knows files by name, not by position.)
        if (auto e = new_element(std::move(p), true)) {
          bytes += content_bytes(e);
          items.push_back(std::move(e));
        }
      } catch (const detail::UnreadableStreamFile& e) {
        unreadable += unreadable.empty() ? e.what() : std::string("; ") + e.what();
      }
      if (bytes >= message_bytes()) {  // (a frame holds 1 GiB at most)
        publish_elements(items);
        bytes = 0;
      }
    }
    publish_elements(items);  // (also when empty: the handle's slot is taken now)
    if (!unreadable.empty()) throw Error(unreadable);
  }

  /// Files not yet returned to this handle, waiting up to `timeout` seconds for some.
  std::vector<std::filesystem::path> poll(double timeout = 0.2) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout > 0 ? timeout : 0);
    for (;;) {
      pick_up();
      auto left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
      // Short waits, so that files written straight into the directory are seen too.
      std::vector<detail::StreamChannel::Element> items = poll_elements(std::min(std::max(left, 0.0), 0.05));
      if (!items.empty() || left <= 0 || closed_for_me()) {
        std::vector<std::filesystem::path> out;
        out.reserve(items.size());
        for (auto& e : items) out.push_back(local_path(*static_cast<const detail::StreamFile*>(e.get())));
        return out;
      }
    }
  }

  /// True once every producer closed and this handle took every file.
  bool is_closed() {
    pick_up();
    if (!closed_for_me()) return false;
    // The producers may have closed after that scan skipped a file as too fresh: the scan
    // of a closed stream takes every file.
    pick_up();
    return closed_for_me();
  }

 private:
  FileStream(std::shared_ptr<detail::StreamPort> port, const detail::StreamTicket& ticket)
      : StreamHandle(std::move(port), ticket), base_dir_(ticket.base_dir), master_dir_(ticket.base_dir) {
#ifdef __COMPSS__
    if (detail::stream_files_travel()) {  // this worker does not see the master's files
      own_dir_ = std::make_shared<detail::LocalStreamDir>(ticket.stream);
      base_dir_ = own_dir_->path();
    }
#endif
    make_base_dir();
  }
  void make_base_dir() {
    std::error_code ec;
    std::filesystem::create_directories(base_dir_, ec);
    if (ec) throw Error("compss: cannot create the file stream's directory " + base_dir_.string() + ": " + ec.message());
  }

  // The element for file `p` of this handle, or null when the stream has it already. A
  // file is known by its name, its path relative to the stream's directory, wherever it
  // was written (the channel adds each name once). A scan (`published` false) skips what
  // this handle looked at before; a publish asks the stream each time (an earlier attempt
  // of this handle's task may have failed before its publish added the file). When files
  // travel its bytes are taken now: a worker's own directory goes with its task, and a
  // master's file may be gone by the time a worker polls it. Throws
  // detail::UnreadableStreamFile when they cannot be read.
  detail::StreamChannel::Element new_element(std::filesystem::path p, bool published) {
    std::string name = p.lexically_relative(base_dir_).generic_string();
    if (name.empty() || name.starts_with("..")) name = p.filename().string();
    if (!published && seen_.contains(name)) return nullptr;
    if (!channel_->is_new_file(name)) {
      seen_.insert(name);
      return nullptr;
    }
    auto f = std::make_shared<detail::StreamFile>();
#ifdef __COMPSS__
    if (own_dir_ || detail::stream_files_travel()) f->content = detail::read_stream_file(p);
#endif
    seen_.insert(name);
    f->path = std::move(p);
    f->name = std::move(name);
    return f;
  }

  // Where a polled file is for this handle: its bytes, when they travelled, written here
  // first (complete, under its name).
  std::filesystem::path local_path(const detail::StreamFile& f) {
#ifdef __COMPSS__
    // (Not a file of this directory, which holds it already: the master's own ones.)
    if (f.content && f.path != (base_dir_ / f.name).lexically_normal()) {
      seen_.insert(f.name);  // (so that the next scan does not claim it again)
      return detail::write_stream_file(base_dir_, f);
    }
#endif
    return f.path;
  }

  // A producer on a worker without the master's files: the files it wrote into its own
  // directory and did not publish go now (complete: it writes no more), as a scan of a
  // shared directory would have found them; the directory goes with the task. They are
  // published (a full stream makes it wait, as publish does), in messages of about
  // stream_files_message_bytes(). Returns what could not be read ("" when all went).
  std::string send_unpublished() {
    if (!own_dir_ || closed_) return {};
    return pick_up(true, true);
  }

  // Adds the files of base_dir that look complete and were not seen before (`all`: the
  // writers are done, fresh files too; `publish`: as this handle's producer). A file that
  // cannot be read is skipped with a warning on stderr, the others go; returns the
  // reasons ("" when none).
  std::string pick_up(bool all = false, bool publish = false) {
    const bool final_scan = all || channel_->producers_done();
    std::error_code ec;
    std::vector<detail::StreamChannel::Element> found;
    std::size_t found_bytes = 0;
    std::string unreadable;
    auto send = [&] {
      if (found.empty()) return;
      if (publish) {
        publish_elements(found);
      } else {
        channel_->add_found(found);
      }
      found.clear();
      found_bytes = 0;
    };
    const auto now = std::filesystem::file_time_type::clock::now();
    for (const auto& entry : std::filesystem::directory_iterator(base_dir_, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      const std::string name = entry.path().filename().string();
      if (name.empty() || name.front() == '.') continue;
      if (name.ends_with(".part") || name.ends_with(".tmp")) continue;
      if (name.find(".compss-tmp-") != std::string::npos) continue;  // write_stream_file's
      if (!final_scan) {
        auto written = entry.last_write_time(ec);
        if (ec || now - written < std::chrono::seconds(1)) continue;  // maybe still being written
      }
      detail::StreamChannel::Element e;
      try {
        e = new_element(entry.path().lexically_normal(), false);
      } catch (const detail::UnreadableStreamFile& error) {
        std::fprintf(stderr, "%s; skipped, the stream's other files are sent\n", error.what());
        unreadable += unreadable.empty() ? error.what() : std::string("; ") + error.what();
        seen_.insert(name);  // (warned once, not at every scan)
        continue;
      }
      if (!e) continue;
      found_bytes += content_bytes(e);
      found.push_back(std::move(e));
      if (found_bytes >= message_bytes()) send();  // (a frame holds 1 GiB at most)
    }
    send();
    return unreadable;
  }

  static std::size_t content_bytes(const std::shared_ptr<void>& e) {
    const auto& f = *static_cast<const detail::StreamFile*>(e.get());
    return f.content ? f.content->size() : f.name.size();
  }
  static std::size_t message_bytes() {
#ifdef __COMPSS__
    return detail::stream_files_message_bytes();
#else
    return static_cast<std::size_t>(-1);  // (sequential: nothing travels)
#endif
  }

  std::filesystem::path base_dir_;
  std::filesystem::path master_dir_;  // the stream's directory as the master names it
  std::shared_ptr<detail::LocalStreamDir> own_dir_;  // a worker's own directory (no shared files)
  std::set<std::string> seen_;  // names this handle published, found or was given
};

}  // namespace compss
