#include "net/stream_client.hpp"

#include "net/stream_allocator.hpp"
#include "net/stream_elements.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/stream_files.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <system_error>
#include <chrono>
#include <cmath>
#include <thread>
#include <string>
#include <utility>

namespace compss::net {

namespace {

std::mutex connector_mutex;
StreamConnector installed_connector;  // under connector_mutex
std::atomic<std::size_t> window_elements{256};  // set_publish_window
std::atomic<std::size_t> window_bytes{std::size_t{4} << 20};
constexpr std::size_t call_window = 4;  // publish calls in flight at most
std::atomic<std::uint64_t> publish_calls{0};  // stream_publish_calls
std::atomic<std::uint64_t> window_cuts{0};    // stream_window_cuts
std::atomic<std::uint64_t> held_key_checks{0};  // stream_held_key_checks
std::atomic<std::uint64_t> reconnections{0};    // stream_reconnections
constexpr int confirm_tries = 3;                // a confirmation's sends at most

std::atomic<std::uint64_t> poll_calls{0};  // stream_poll_calls

}  // namespace

// (The master remembers confirmed batches by place and attempt; drawn from a random start
// per process all the same, so that no two ports' batches share a name, as element keys:
// random_name_base.)
std::uint64_t next_poll_batch_id() noexcept {
  static std::atomic<std::uint64_t> last{random_name_base()};
  std::uint64_t b = last.fetch_add(1) + 1;
  return b != 0 ? b : last.fetch_add(1) + 1;
}

std::uint64_t stream_poll_calls() noexcept { return poll_calls.load(); }

Error unconfirmed_batch_error(std::uint64_t stream, int tries, const std::string& failure) {
  return Error("compss: stream " + std::to_string(stream) + ": a poll took a batch of elements and "
               "could not confirm it received them after " + std::to_string(tries) +
               " tries, each on a new connection (" + failure + "); they are not returned here: "
               "the master gives them to this task's next attempt unless a confirmation reached it");
}

std::uint64_t stream_publish_calls() noexcept { return publish_calls.load(); }
std::uint64_t stream_window_cuts() noexcept { return window_cuts.load(); }
std::uint64_t stream_held_key_checks() noexcept { return held_key_checks.load(); }
std::uint64_t stream_reconnections() noexcept { return reconnections.load(); }
void note_stream_reconnection() noexcept { reconnections.fetch_add(1); }

void set_publish_window(std::size_t elements, std::size_t bytes) noexcept {
  window_elements.store(elements);
  window_bytes.store(bytes);
}

void set_stream_connector(StreamConnector connector) {
  {
    std::lock_guard lock(connector_mutex);
    installed_connector = std::move(connector);
  }
  drop_element_connections();
}

RemoteStreamPort::RemoteStreamPort(std::shared_ptr<Endpoint> service, detail::StreamTicket ticket,
                                   const detail::ElementCodec* codec)
    : service_(std::move(service)), ticket_(std::move(ticket)), codec_(codec) {}

std::shared_ptr<Endpoint> connect_stream_endpoint(const std::string& host, std::uint16_t port) {
  StreamConnector connect;
  {
    std::lock_guard lock(connector_mutex);
    connect = installed_connector;
  }
  if (!connect || port == 0) {
    throw Error("compss: this process cannot reach stream endpoints (not a node of a "
                "compss-run, or the endpoint has no port)");
  }
  return connect(host, port);
}

RemoteStreamPort::~RemoteStreamPort() {
  // A prefetched batch nobody took goes back before the task's answer leaves.
  stop_prefetch(0);
  // The publishes in flight first: the master must have their references before what
  // nobody fetched is handed over, and before the task's answer closes its slot.
  {
    std::unique_lock lock(mutex_);
    wait_for_publishes(lock);
    if (pipelined_error_.empty() && lost_at_break_) pipelined_error_ = broken_;
    if (!pipelined_error_.empty()) {
      if (!told_) {  // (a task that threw: finish() did not run)
        std::fprintf(stderr, "compss: a publish of a stream task's handle failed and nobody was "
                             "told (the handle went without close()): %s\n",
                     pipelined_error_.c_str());
      }
      pipelined_error_.clear();
    }
  }
  hand_over_unfetched();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  service_->close();  // (ends receiver_'s wait)
  if (receiver_.joinable()) receiver_.join();
}

void RemoteStreamPort::hand_over_unfetched() noexcept {
  std::vector<std::uint64_t> keys;
  {
    std::lock_guard lock(mutex_);
    keys.swap(held_keys_);
  }
  // In messages of about stream_files_message_bytes() (a frame is bounded), each chunk
  // dropped from here only once the master has it: a chunk that does not reach it stays
  // held (consumers may still fetch it while this process lives) and the stream gets an
  // error, so its consumers are told instead of waiting for elements nobody has.
  const std::size_t budget = detail::stream_files_message_bytes();
  std::size_t next = 0;
  try {
    while (next < keys.size()) {
      StreamCall c{.op = StreamCall::hand_over};
      std::vector<std::uint64_t> chunk;
      std::size_t bytes = 0;
      for (; next < keys.size(); ++next) {
        std::vector<std::byte> copy;
        if (!fetch_held_element(keys[next], false, copy)) continue;  // fetched for good, released
        const std::size_t size = copy.size() + min_wire_element_bytes;
        if (!c.elements.empty() && bytes + size > budget) break;
        bytes += size;
        c.elements.push_back({.bytes = std::move(copy), .key = keys[next], .port = element_port()});
        chunk.push_back(keys[next]);
      }
      if (chunk.empty()) break;
      call(std::move(c));
      release_held_elements(chunk);
    }
  } catch (const std::exception& e) {
    const std::string why = "compss: stream " + std::to_string(ticket_.stream) +
                            ": elements its producer published and nobody fetched could not be "
                            "handed to the master when its task ended (" + e.what() +
                            "): they are lost once its worker goes";
    try {
      call({.op = StreamCall::close, .text = why});  // (slot 0: the stream's error)
    } catch (...) {
      // The master is gone: nobody is left to consume them.
    }
  } catch (...) {
  }
}

std::uint64_t RemoteStreamPort::owner() const noexcept {
  return ticket_.producer != 0 ? ticket_.producer : ticket_.consumer;
}

std::string RemoteStreamPort::where() const {
  return "compss: stream " + std::to_string(ticket_.stream) +
         ": the connection to the master's stream service at " + service_->peer();
}

void RemoteStreamPort::send_locked(StreamCall& c) {
  c.stream = ticket_.stream;
  c.attempt = ticket_.attempt;
  if (std::error_code ec = service_->send(c)) throw Error(where() + " failed: " + ec.message());
}

namespace {

// The next answer on `service` (`wait`: as long as the master makes it wait: a publish
// waits for room, a poll for elements); false when !wait and none arrived yet.
bool receive_reply(Endpoint& service, bool wait, StreamReply& out, const std::string& where) {
  for (;;) {
    Message m;
    std::error_code ec = service.receive(m, wait ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(0));
    if (ec == NetError::timed_out) {
      if (wait) continue;
      return false;
    }
    if (ec) throw Error(where + " failed: " + ec.message());
    auto* reply = std::get_if<StreamReply>(&m);
    if (reply == nullptr) throw Error(where + " sent an unexpected message");
    out = std::move(*reply);
    return true;
  }
}

}  // namespace

void RemoteStreamPort::throw_pipelined_error_locked() {
  if (!pipelined_error_.empty()) throw Error(std::exchange(pipelined_error_, std::string()));
  if (!broken_.empty()) throw Error(broken_);
}

void RemoteStreamPort::wait_for_publishes(std::unique_lock<std::mutex>& lock) {
  // (Nothing is pending while no call is in flight: pending elements go at once then.)
  changed_.wait(lock, [&] { return !broken_.empty() || in_flight_.empty(); });
}

void RemoteStreamPort::send_pending_locked() {
  if (pending_.empty() || publish_calls_ >= call_window) return;
  // (Under the task's slot: a retried producer's elements are matched with its earlier
  // attempts' there, StreamChannel::publish_attempt.)
  // (A window that does not adapt needs no times: no clock read then.)
  Flight f{.publish = true, .elements = pending_.size(), .call = window_->sent(),
           .sent_at = window_->adapts() ? std::chrono::steady_clock::now() : Time{}};
  for (const WireElement& w : pending_) f.bytes += w.bytes.size() + w.size;
  StreamCall c{.op = StreamCall::publish, .slot = ticket_.producer != 0 ? ticket_.producer : own_producer_,
               .elements = std::move(pending_)};
  pending_.clear();
  try {
    send_locked(c);
  } catch (const std::exception& e) {
    // These elements never left: the task must not answer success (finish()).
    unanswered_ -= f.elements;
    unanswered_bytes_ -= f.bytes;
    lost_at_break_ = true;
    if (broken_.empty()) broken_ = e.what();
    changed_.notify_all();
    throw;
  }
  publish_calls.fetch_add(1);
  in_flight_.push_back(f);
  ++publish_calls_;
}

void RemoteStreamPort::receive_answers() noexcept {
  for (;;) {
    StreamReply reply;
    std::string failure;
    Time answered_at{};
    try {
      Message m;
      std::error_code ec = service_->receive(m, std::chrono::seconds(1));
      // (When it came, not when mutex_ was free: a publishing thread may hold it.)
      if (time_answers_.load(std::memory_order_relaxed)) answered_at = std::chrono::steady_clock::now();
      if (ec == NetError::timed_out) {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        continue;
      }
      if (ec) {
        failure = where() + " failed: " + ec.message();
      } else if (auto* r = std::get_if<StreamReply>(&m)) {
        reply = std::move(*r);
      } else {
        failure = where() + " sent an unexpected message";
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
    std::lock_guard lock(mutex_);
    if (failure.empty() && in_flight_.empty()) {
      try {
        failure = where() + " sent an answer nobody asked for";
      } catch (...) {
        failure = "compss: the master's stream service sent an answer nobody asked for";
      }
    }
    if (!failure.empty()) {
      if (publish_calls_ > 0 || !pending_.empty()) lost_at_break_ = true;
      if (broken_.empty()) broken_ = std::move(failure);
      changed_.notify_all();
      return;
    }
    const Flight f = in_flight_.front();
    in_flight_.pop_front();
    if (f.publish) {
      if (f.sent_at != Time{} && answered_at != Time{} &&
          window_->answered(f.call, std::chrono::duration_cast<std::chrono::microseconds>(answered_at - f.sent_at),
                            answered_at)) {
        window_cuts.fetch_add(1, std::memory_order_relaxed);
      }
      --publish_calls_;
      unanswered_ -= f.elements;
      unanswered_bytes_ -= f.bytes;
      if (!reply.error.empty() && pipelined_error_.empty()) pipelined_error_ = std::move(reply.error);
      try {
        send_pending_locked();
      } catch (const std::exception& e) {
        if (broken_.empty()) broken_ = e.what();
      }
    } else if (f.reply != nullptr) {
      *f.reply = std::move(reply);
    }
    changed_.notify_all();
  }
}

StreamReply RemoteStreamPort::call(StreamCall c) {
  std::unique_lock lock(mutex_);
  if (!receiver_.joinable()) {  // (no publish yet: this thread receives the answer)
    if (!broken_.empty()) throw Error(broken_);  // (a confirmation gave up on it: call_within)
    send_locked(c);
    StreamReply reply;
    receive_reply(*service_, true, reply, where());
    if (!reply.error.empty()) throw Error(reply.error);
    return reply;
  }
  // The publishes in flight are answered first. One that failed fails this call instead,
  // which is not sent (as when a publish waited for its answer and threw: the task fails
  // before its close, and the master ends its slot as for any failed attempt)...
  wait_for_publishes(lock);
  // ...but a slot or place this handle opened itself is ended anyway (nothing else would:
  // a ghost consumer place pins the log, an open slot keeps the stream open), then the
  // error is thrown; its slot closes with the error, so its consumers see it.
  const bool ends_own = (c.op == StreamCall::close && c.slot != ticket_.producer) ||
                        (c.op == StreamCall::remove_consumer && c.slot != ticket_.consumer);
  if (!ends_own) throw_pipelined_error_locked();
  if (!broken_.empty()) throw Error(broken_);
  if (c.op == StreamCall::close && c.text.empty()) c.text = pipelined_error_;
  send_locked(c);
  // Copies of a worker's handle share this port: each caller waits for its own answer.
  std::optional<StreamReply> answer;
  in_flight_.push_back({.publish = false, .reply = &answer});
  changed_.wait(lock, [&] { return !broken_.empty() || answer.has_value(); });
  if (!answer) {
    for (Flight& f : in_flight_) {
      if (f.reply == &answer) f.reply = nullptr;
    }
    throw Error(broken_);
  }
  if (ends_own && !pipelined_error_.empty()) throw Error(std::exchange(pipelined_error_, std::string()));
  if (!answer->error.empty()) throw Error(answer->error);
  return std::move(*answer);
}

std::vector<WireElement> RemoteStreamPort::encoded(const std::vector<Element>& items) const {
  if (codec_ == nullptr) {
    throw Error("compss: stream " + std::to_string(ticket_.stream) +
                ": its elements cannot be serialized");
  }
  std::vector<WireElement> out;
  out.reserve(items.size());
  for (const Element& e : items) out.push_back({codec_->encode(e.get())});
  return out;
}

std::uint64_t RemoteStreamPort::add_producer() {
  // (Opened for the task's consumer place: the master ends it with the task, and gives a
  // retry of the task the same slot.)
  const std::uint64_t slot = call({.op = StreamCall::add_producer, .slot = owner()}).value;
  std::lock_guard lock(mutex_);
  own_producer_ = slot;
  return slot;
}

void RemoteStreamPort::publish(std::vector<Element>& items) {
  if (items.empty()) return;
  std::vector<WireElement> wire = encoded(items);
  // An object stream's elements stay here when this process serves them: the master
  // gets references (a file stream's paths are small: they travel). At most the bound of
  // them wait unfetched (wait_to_hold; before taking mutex_: answers keep coming).
  // Small ones travel inline (stream_inline_bytes: a reference would cost their consumer
  // a fetch round trip for a few bytes); the channel's capacity at the master bounds them.
  const std::uint16_t here = element_port();
  const bool hold = here != 0 && ticket_.base_dir.empty();
  const std::size_t inline_bytes = stream_inline_bytes();
  auto held = [&](const WireElement& w) { return hold && w.bytes.size() > inline_bytes; };
  if (hold) {
    std::vector<std::size_t> sizes;  // (each element counts: a batch of small ones is many)
    sizes.reserve(wire.size());
    for (const WireElement& w : wire) {
      if (held(w)) sizes.push_back(w.bytes.size());
    }
    if (!sizes.empty()) wait_to_hold(ticket_.stream, sizes);
  }
  std::unique_lock lock(mutex_);
  throw_pipelined_error_locked();  // (an answer that arrived since the last call)
  // (Made again when set_publish_window changed the ceiling since: tests set it per step.
  // Its calls go on being numbered after the old window's, so that the old window's calls
  // still in flight, delayed by one stall, do not cut the new one again.)
  if (!window_ || window_->ceiling() != window_elements.load()) {
    window_.emplace(window_elements.load(),
                    std::chrono::microseconds(config::run_config().stream_window_delay_us),
                    window_ ? window_->next_call() : 0);
    time_answers_.store(window_->adapts(), std::memory_order_relaxed);
  }
  if (!receiver_.joinable()) {
    try {
      receiver_ = std::thread([this] { receive_answers(); });
    } catch (const std::system_error& e) {
      throw Error(std::string("compss: a stream handle could not start its thread: ") + e.what());
    }
  }
  if (hold) {
    for (WireElement& w : wire) {
      if (!held(w)) continue;
      w.size = w.bytes.size();
      w.key = hold_element(std::move(w.bytes), ticket_.stream);
      w.bytes.clear();
      w.port = here;
      held_keys_.push_back(w.key);
    }
    // (Keys dropped since are forgotten now and then, so the list stays short. The next
    // sweep waits until the list doubled: at_most_once elements stay held until the
    // master's release, up to 50 ms after their fetch, so a fast producer's list holds
    // thousands still held, and sweeping at a fixed size swept them at every publish.)
    if (held_keys_.size() > held_keys_sweep_at_) {
      held_key_checks.fetch_add(held_keys_.size());
      std::erase_if(held_keys_, [](std::uint64_t k) { return !element_held(k); });
      held_keys_sweep_at_ = 2 * held_keys_.size() + 1024;
    }
  }
  for (WireElement& w : wire) {
    unanswered_bytes_ += w.bytes.size() + w.size;
    pending_.push_back(std::move(w));
  }
  unanswered_ += wire.size();
  items.clear();
  send_pending_locked();
  // Past the window, this waits for answers: the master answers a publish once its
  // channel took the elements, so a full stream stops this producer here.
  changed_.wait(lock, [&] {
    return !broken_.empty() || !pipelined_error_.empty() || in_flight_.empty() ||
           (unanswered_ <= window_->elements() && unanswered_bytes_ <= window_bytes.load());
  });
  throw_pipelined_error_locked();
}

void RemoteStreamPort::add_found(std::vector<Element>& items) {
  if (items.empty()) return;
  call({.op = StreamCall::add_found, .elements = encoded(items)});
  items.clear();
  // A file stream's scan adds files to a stream its producers closed: this handle's
  // consumer, told "closed" before, is not any more (its prefetch would say so for good).
  std::shared_ptr<PollPrefetcher> prefetch;
  {
    std::lock_guard lock(mutex_);
    closed_after_poll_ = -1;
    prefetch = prefetch_;
  }
  if (prefetch != nullptr) prefetch->forget_closed();
}

bool RemoteStreamPort::is_new_file(const std::string& name) {
  return call({.op = StreamCall::claim, .text = name}).value != 0;
}

bool RemoteStreamPort::producers_done() {
  return call({.op = StreamCall::producers_done}).value != 0;
}

void RemoteStreamPort::close(std::uint64_t slot, const std::string& error) {
  call({.op = StreamCall::close, .slot = slot, .text = error});
}

std::uint64_t RemoteStreamPort::add_consumer(bool task) {
  return call({.op = StreamCall::add_consumer, .slot = owner(), .flag = task}).value;
}

void RemoteStreamPort::count_consumer_task() { call({.op = StreamCall::count_consumer_task}); }

void RemoteStreamPort::remove_consumer(std::uint64_t consumer, bool task,
                                       const std::string& failure) {
  stop_prefetch(consumer);  // (its batch nobody took first: then the place goes)
  call({.op = StreamCall::remove_consumer, .slot = consumer, .flag = task, .text = failure});
}

void RemoteStreamPort::rewind(std::uint64_t consumer) {
  call({.op = StreamCall::rewind, .slot = consumer});
}

void RemoteStreamPort::commit(std::uint64_t consumer) {
  call({.op = StreamCall::commit, .slot = consumer});
}

std::vector<detail::StreamPort::Element> RemoteStreamPort::poll(std::uint64_t consumer,
                                                                 double timeout) {
  // Long waits (an infinite timeout: until elements come) go as polls of an hour at most,
  // until one brings elements, the stream closes, or the time is up.
  const bool forever = timeout > 0 && !std::isfinite(timeout);
  double left = forever || !(timeout > 0) ? 0.0 : timeout;
  {
    std::lock_guard lock(mutex_);
    closed_after_poll_ = -1;
    if (!lost_.empty()) throw Error(std::exchange(lost_, std::string()));
  }
  if (std::shared_ptr<PollPrefetcher> prefetch = prefetcher_for(consumer)) {
    return poll_prefetched(*prefetch, timeout);
  }
  // at_most_once: each poll's batch has a name, which its confirmation gives (see below).
  const bool confirms = mode() == ConsumerMode::at_most_once;
  const std::uint64_t batch = confirms ? next_poll_batch_id() : 0;
  StreamReply reply;
  for (;;) {
    const double chunk = forever ? 3600.0 : std::min(left, 3600.0);
    poll_calls.fetch_add(1);
    reply = call({.op = StreamCall::poll, .slot = consumer,
                  .timeout_us = static_cast<std::uint64_t>(chunk * 1e6), .batch = batch});
    left -= chunk;
    if (!reply.elements.empty() || (!forever && left <= 0) || reply.value != 0) break;
  }
  // The referenced elements come from their holders, one request per holder. One element
  // lost does not cost the others of the batch: they come now, the loss is the next
  // poll's error. (Copies: a holder drops an element when the master releases it, so one
  // whose fetch's reply is lost can be fetched again.)
  std::vector<std::optional<std::vector<std::byte>>> fetched;
  std::string why;
  fetch_remote_batch(reply.elements, false, fetched, why);
  std::string lost;
  std::vector<Element> out = resolved_all(reply.elements, fetched, why, lost);
  // at_most_once: they are this consumer's once the master knows it received them (until
  // then, this process dying gives them back to its task's place: docs/streams.md). Given
  // back meanwhile (the connection that took them ended first): not ours, the next poll
  // takes them again.
  if (confirms && !reply.elements.empty()) {
    const std::uint64_t fate = confirm(consumer, batch);
    if ((fate & StreamReply::given_back_bit) != 0) return poll(consumer, forever ? timeout : left);
    reply.value = fate & StreamReply::closed_bit;
  }
  if (!lost.empty() && out.empty()) throw Error(lost);
  std::lock_guard lock(mutex_);
  lost_ = std::move(lost);
  closed_after_poll_ = static_cast<int>(reply.value != 0);
  poll_consumer_ = consumer;
  return out;
}

std::vector<detail::StreamPort::Element> RemoteStreamPort::resolved_all(
    std::vector<WireElement>& elements, std::vector<std::optional<std::vector<std::byte>>>& fetched,
    const std::string& why, std::string& lost) {
  std::vector<Element> out;
  out.reserve(elements.size());
  for (std::size_t i = 0; i < elements.size(); ++i) {
    try {
      out.push_back(resolved(elements[i], fetched[i], why));
    } catch (const Error& error) {
      if (lost.empty()) lost = error.what();
    }
  }
  return out;
}

std::shared_ptr<PollPrefetcher> RemoteStreamPort::prefetcher_for(std::uint64_t consumer) {
  {
    std::lock_guard lock(mutex_);
    if (prefetch_ != nullptr) return prefetch_->consumer() == consumer ? prefetch_ : nullptr;
    if (prefetch_ended_) return nullptr;
  }
  const std::size_t bytes = stream_prefetch_bytes();
  if (bytes == 0) return nullptr;
  // (Its connection is made outside mutex_: answers to publishes keep coming meanwhile.)
  auto made = std::make_shared<PollPrefetcher>(ticket_, consumer, bytes);
  std::lock_guard lock(mutex_);
  if (prefetch_ == nullptr && !prefetch_ended_) prefetch_ = made;
  // (Another copy's poll made one meanwhile: this one goes unused, having polled nothing.)
  return prefetch_ != nullptr && prefetch_->consumer() == consumer ? prefetch_ : nullptr;
}

void RemoteStreamPort::stop_prefetch(std::uint64_t consumer) noexcept {
  std::shared_ptr<PollPrefetcher> prefetch;
  {
    std::lock_guard lock(mutex_);
    if (prefetch_ == nullptr || (consumer != 0 && prefetch_->consumer() != consumer)) {
      if (consumer == 0) prefetch_ended_ = true;
      return;
    }
    prefetch = std::move(prefetch_);
    prefetch_ended_ = true;
  }
  prefetch->stop();
}

std::vector<detail::StreamPort::Element> RemoteStreamPort::poll_prefetched(PollPrefetcher& prefetch,
                                                                           double timeout) {
  using Clock = std::chrono::steady_clock;
  // (An infinite timeout: a year, without overflowing the clock.)
  const double wait = timeout > 0 ? std::min(timeout, 365.0 * 24 * 3600) : 0.0;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
  for (;;) {
    bool closed = false;
    std::optional<PrefetchedBatch> batch = prefetch.next(deadline, closed);
    if (!batch) {
      std::lock_guard lock(mutex_);
      if (closed) {
        closed_after_poll_ = 1;
        poll_consumer_ = prefetch.consumer();
      }
      return {};
    }
    bool closed_now = batch->closed;
    // Decoded (a lost reference located on this port's connection) before the next poll
    // may leave: the master keeps a poll's references until its connection's next call.
    std::string lost;
    std::vector<Element> out;
    try {
      out = resolved_all(batch->elements, batch->fetched, batch->why, lost);
    } catch (...) {
      if (mode() != ConsumerMode::at_most_once) prefetch.resume(false);
      throw;  // (at_most_once: not confirmed; its link's end or the place's gives it back)
    }
    if (mode() == ConsumerMode::at_most_once) {
      // Ours once the master knows this process took them (as a poll without prefetch).
      std::uint64_t fate = 0;
      try {
        fate = prefetch.confirm(batch->id);
      } catch (...) {
        prefetch.resume(false);
        throw;
      }
      if ((fate & StreamReply::given_back_bit) != 0) {  // not ours: taken again by a next poll
        prefetch.resume(false);
        continue;
      }
      closed_now = (fate & StreamReply::closed_bit) != 0;
    }
    prefetch.resume(closed_now);
    if (!lost.empty() && out.empty()) throw Error(lost);
    std::lock_guard lock(mutex_);
    lost_ = std::move(lost);
    return out;
  }
}

std::uint64_t RemoteStreamPort::confirm(std::uint64_t consumer, std::uint64_t batch) {
  const StreamCall c{.op = StreamCall::commit, .slot = consumer, .batch = batch};
  std::string failure;
  for (int tries = 0; tries < confirm_tries; ++tries) {
    if (tries > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100) * tries);
      try {
        reconnect();
      } catch (const std::exception& e) {
        failure = e.what();
        continue;
      }
    }
    StreamReply reply;
    if (call_within(c, stream_answer_wait(), reply, failure)) {
      if (!reply.error.empty()) throw Error(reply.error);  // (a stale attempt: not its elements)
      return reply.value;
    }
  }
  throw unconfirmed_batch_error(ticket_.stream, confirm_tries, failure);
}

bool RemoteStreamPort::call_within(StreamCall c, std::chrono::milliseconds wait, StreamReply& out,
                                   std::string& failure) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const std::string unanswered = where() + " did not answer within " + std::to_string(wait.count()) +
                                 " ms (COMPSS_WORKER_TIMEOUT)";
  std::unique_lock lock(mutex_);
  auto broke = [&](std::string why) {
    failure = why;
    if (broken_.empty()) broken_ = std::move(why);
    return false;
  };
  if (receiver_.joinable()) {  // (it receives every answer once this port published)
    wait_for_publishes(lock);
    if (!pipelined_error_.empty()) throw Error(std::exchange(pipelined_error_, std::string()));
  }
  if (!broken_.empty()) return broke(broken_);
  try {
    send_locked(c);
  } catch (const std::exception& e) {
    return broke(e.what());
  }
  if (!receiver_.joinable()) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return broke(unanswered);
      Message m;
      std::error_code ec = service_->receive(m, std::min(left, std::chrono::milliseconds(1000)));
      if (ec == NetError::timed_out) continue;
      if (ec) return broke(where() + " failed: " + ec.message());
      auto* reply = std::get_if<StreamReply>(&m);
      if (reply == nullptr) return broke(where() + " sent an unexpected message");
      out = std::move(*reply);
      return true;
    }
  }
  std::optional<StreamReply> answer;
  in_flight_.push_back({.publish = false, .reply = &answer});
  changed_.wait_until(lock, deadline, [&] { return !broken_.empty() || answer.has_value(); });
  if (answer) {
    out = std::move(*answer);
    return true;
  }
  for (Flight& f : in_flight_) {
    if (f.reply == &answer) f.reply = nullptr;
  }
  return broke(broken_.empty() ? unanswered : broken_);
}

void RemoteStreamPort::reconnect() {
  std::shared_ptr<Endpoint> old;
  {
    std::lock_guard lock(mutex_);
    const bool others_waiting =
        std::ranges::any_of(in_flight_, [](const Flight& f) { return !f.publish && f.reply != nullptr; });
    if (lost_at_break_ || !pending_.empty() || publish_calls_ > 0 || others_waiting) {
      throw Error(where() + " cannot be replaced: calls or publishes of this handle were in flight on it");
    }
    old = service_;
    stopping_ = true;
  }
  old->close();  // (ends receiver_, and an answer still on its way is not read)
  if (receiver_.joinable()) receiver_.join();
  std::shared_ptr<Endpoint> fresh = connect_stream_endpoint("", ticket_.port);
  std::lock_guard lock(mutex_);
  service_ = std::move(fresh);
  in_flight_.clear();
  broken_.clear();
  stopping_ = false;
  reconnections.fetch_add(1);
}

detail::StreamPort::Element RemoteStreamPort::resolved(WireElement& w,
                                                       std::optional<std::vector<std::byte>>& fetched,
                                                       const std::string& why) {
  if (w.key == 0) return codec_->decode(w.bytes);
  if (fetched) return codec_->decode(*fetched);
  // Not there (any more): its producer's task ended and handed it to the master, or its
  // worker is gone. The master knows.
  StreamReply r = call({.op = StreamCall::locate, .elements = {WireElement{.key = w.key, .host = w.host, .port = w.port}}});
  if (r.elements.size() != 1 || r.elements.front().key != 0) {
    throw Error("compss: stream " + std::to_string(ticket_.stream) + ": element " +
                std::to_string(w.key) + " held by " + w.host + ":" + std::to_string(w.port) +
                " could not be fetched (" + why + ") and the master does not have it");
  }
  return codec_->decode(r.elements.front().bytes);
}

void RemoteStreamPort::finish() {
  std::unique_lock lock(mutex_);
  wait_for_publishes(lock);
  // (The error stays: a close of this handle's own slot that follows takes it as its text.)
  if (!pipelined_error_.empty()) {
    told_ = true;
    throw Error(pipelined_error_);
  }
  if (lost_at_break_) {
    told_ = true;
    throw Error(broken_ + " before every element the task published reached the master");
  }
}

bool RemoteStreamPort::is_closed(std::uint64_t consumer) {
  {
    std::lock_guard lock(mutex_);
    if (!lost_.empty()) return false;  // (the next poll reports the loss: not in silence)
    // Right after a poll, its answer says (once; a later call asks the master again).
    if (closed_after_poll_ >= 0 && poll_consumer_ == consumer) {
      return std::exchange(closed_after_poll_, -1) != 0;
    }
    // A prefetch knows without a round trip unless none is wanted.
    if (prefetch_ != nullptr && prefetch_->consumer() == consumer) {
      if (const int known = prefetch_->closed_known(); known >= 0) return known != 0;
    }
  }
  return call({.op = StreamCall::is_closed, .slot = consumer}).value != 0;
}

}  // namespace compss::net

namespace compss::detail {

std::shared_ptr<StreamPort> open_remote_port(const StreamTicket& ticket, const ElementCodec* codec) {
  if (ticket.port == 0) {
    throw Error("compss: stream " + std::to_string(ticket.stream) +
                ": this process cannot reach the master's stream service (the master has none)");
  }
  net::keep_freed_memory_for_streams();
  return std::make_shared<net::RemoteStreamPort>(net::connect_stream_endpoint("", ticket.port),
                                                 ticket, codec);
}

}  // namespace compss::detail
