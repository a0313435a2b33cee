#include "net/stream_service.hpp"

#include "net/stream_batches.hpp"
#include "net/stream_client.hpp"
#include "net/stream_elements.hpp"
#include "net/tcp_connection.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/stream_remote.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace compss::net {

namespace {

std::atomic<std::uint16_t> service_port{0};
std::atomic<std::size_t> stream_reply_budget{std::size_t{16} << 20};  // bytes of a poll's reply

using detail::StreamChannel;
using Element = detail::StreamPort::Element;

const detail::ElementCodec& codec_of(const StreamChannel& channel) {
  const detail::ElementCodec* codec = channel.codec();
  if (codec == nullptr || codec->encode == nullptr) {
    throw Error("compss: the elements of stream " + std::to_string(channel.id()) +
                " cannot be serialized: its tasks must run on the master");
  }
  return *codec;
}

// The host of the elements a worker sends references to (publish, hand_over): the
// worker itself, at the address this process sees its connection come from, which is the
// one it reaches the worker by. A worker cannot hold elements elsewhere: a reference naming
// another host is refused (consumers would fetch from a host nobody checked).
const std::string& holder_host(const WireElement& e, const std::string& from_host,
                               std::uint64_t stream) {
  if (!e.host.empty() && e.host != from_host) {
    throw Error("compss: stream " + std::to_string(stream) + ": the worker at " + from_host +
                " sent a reference to element " + std::to_string(e.key) + " held at " + e.host +
                ": a worker refers only to elements it holds itself, at the address the master "
                "sees it at (a bug of that worker's runtime, or a stranger with the run's secret)");
  }
  return from_host;
}

// What a worker sent, as the channel holds it: the element, or a reference to the
// element its worker keeps (net/stream_elements.hpp).
// `slot`: the producer slot that published them (0: found, not published).
std::vector<Element> decoded(const StreamChannel& channel, std::vector<WireElement>& in,
                             const std::string& from_host, std::uint64_t slot) {
  const detail::ElementCodec& codec = codec_of(channel);
  std::vector<Element> items;
  items.reserve(in.size());
  for (WireElement& e : in) {
    if (e.key != 0 && channel.by_name()) {
      // (A file's element is its path or bytes: the channel must see its name.)
      throw Error("compss: file stream " + std::to_string(channel.id()) + ": the worker at " + from_host +
                  " sent a reference to an element, not a file");
    }
    if (e.key != 0) {
      items.push_back(make_remote_element(holder_host(e, from_host, channel.id()), e.port, e.key,
                                          &codec, channel.id(), slot));
      as_remote(items.back())->size = e.size;
    } else {
      count_relayed_bytes(e.bytes.size());
      count_element_published_with_bytes();
      items.push_back(codec.decode(e.bytes));
    }
  }
  return items;
}

// An element for a poll's answer: a reference stays one (the consumer fetches it from its
// holder) unless the holder handed its bytes over.
WireElement wire_of(const Element& e, const detail::ElementCodec& codec) {
  if (RemoteElement* r = as_remote(e)) {
    std::lock_guard lock(r->mutex);
    if (!r->handed_over) {
      return WireElement{.key = r->key, .host = r->host, .port = r->port, .size = r->size};
    }
    return WireElement{.bytes = r->bytes};
  }
  return WireElement{.bytes = codec.encode(e.get())};
}

// A producer task's elements by position, across its attempts. A retried producer (its
// worker died, or it threw) publishes its elements again from the first, and the channel
// drops those its earlier attempts published (StreamChannel::publish_attempt). Those
// earlier elements that are references nobody has fetched yet may point at a dead worker:
// the master takes their bytes from the new attempt's holder into the old references, so
// nothing published is lost with the producer's worker (the only bytes the master then
// relays). All under producers_mutex.
struct ProducerRefs {
  std::uint64_t attempt = 0;  // the latest attempt seen
  std::uint64_t seen = 0;     // elements it published
  std::uint64_t base = 0;     // the position of refs.front()
  std::deque<std::weak_ptr<void>> refs;  // references accepted, by position (expired: fetched,
                                         // or an element the master holds)
};
using ProducerKey = std::pair<std::uint64_t, std::uint64_t>;  // stream, slot
std::mutex producers_mutex;
std::map<ProducerKey, ProducerRefs> producer_refs;
constexpr std::size_t min_sweep_size = 32;
std::size_t sweep_size = min_sweep_size;  // the size of producer_refs that starts a sweep

// Erases the logs no attempt can need any more: their stream is gone, their slot's task
// ended for good (StreamChannel::producer_ended: no retry publishes under it), or their
// slot is closed and none of their references is still held by the channel (a worker's
// close() closes the slot before its task ends: a retry of a task whose worker died after
// it still refills those). Run when a new log makes producer_refs reach sweep_size, which
// is then twice what is left: a publish pays O(1) on average, and what stays is about
// twice the logs of the tasks not ended for good (or 32).
void sweep_producer_refs() {
  std::vector<ProducerKey> keys;
  {
    std::lock_guard lock(producers_mutex);
    keys.reserve(producer_refs.size());
    for (const auto& entry : producer_refs) keys.push_back(entry.first);
  }
  // (Not under producers_mutex: a channel's lock is taken, and the last copy of a channel
  // dropped here drops its elements. A closed slot never opens again, a gone stream never
  // comes back, and a log only loses references meanwhile.)
  std::vector<std::pair<ProducerKey, bool>> ended;  // the log, needed by no retry whatever it holds
  std::shared_ptr<StreamChannel> channel;
  for (const ProducerKey& k : keys) {
    if (channel == nullptr || channel->id() != k.first) channel = detail::find_stream_channel(k.first);
    if (channel == nullptr || channel->producer_ended(k.second)) {
      ended.emplace_back(k, true);
    } else if (!channel->producer_open(k.second)) {
      ended.emplace_back(k, false);
    }
  }
  channel.reset();
  std::lock_guard lock(producers_mutex);
  for (const auto& [k, task_ended] : ended) {
    auto it = producer_refs.find(k);
    if (it == producer_refs.end()) continue;
    const auto& refs = it->second.refs;
    if (task_ended || std::ranges::all_of(refs, [](const auto& w) { return w.expired(); })) {
      producer_refs.erase(it);
    }
  }
  sweep_size = std::max(min_sweep_size, 2 * producer_refs.size());
}

// An element of a publish past what earlier attempts published: its index in the publish,
// and what to remember of it (expired: not a reference).
using Fresh = std::pair<std::size_t, std::weak_ptr<void>>;

// Pairs the elements of a publish with those earlier attempts published at the same
// positions: old references still needed get the new bytes. `fresh` gets the elements
// past what earlier attempts published.
void refill_from_retry(const StreamCall& call, const std::vector<Element>& items,
                       std::vector<Fresh>& fresh) {
  std::vector<std::pair<Element, RemoteElement*>> refill;  // old reference, new one
  std::vector<std::pair<Element, std::size_t>> inline_refill;  // old reference, new inline index
  bool sweep = false;
  {
    std::lock_guard lock(producers_mutex);
    auto [it, added] = producer_refs.try_emplace({call.stream, call.slot});
    if (added && producer_refs.size() >= sweep_size) {
      sweep = true;
      sweep_size = std::numeric_limits<std::size_t>::max();  // (one sweep at a time)
    }
    ProducerRefs& log = it->second;
    if (call.attempt < log.attempt) return;  // stale: the channel refuses it
    if (call.attempt > log.attempt) {
      log.attempt = call.attempt;
      log.seen = 0;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Element& e = items[i];
      const std::uint64_t position = log.seen++;
      if (position >= log.base + log.refs.size()) {
        fresh.emplace_back(i, as_remote(e) != nullptr ? std::weak_ptr<void>(e) : std::weak_ptr<void>());
      } else if (position >= log.base) {
        Element old = log.refs[position - log.base].lock();
        // (The retry may send inline what the lost attempt's worker held: a smaller
        // threshold there, or an element of another size.)
        if (old != nullptr && as_remote(e) != nullptr) refill.emplace_back(std::move(old), as_remote(e));
        else if (old != nullptr) inline_refill.emplace_back(std::move(old), i);
      }
    }
  }
  for (auto& [old, index] : inline_refill) {
    RemoteElement& r = *as_remote(old);
    {
      std::lock_guard lock(r.mutex);
      if (r.handed_over) continue;
    }
    give_bytes(r, call.elements[index].bytes);  // (the wire bytes: decoding kept them)
  }
  for (auto& [old, now] : refill) {
    RemoteElement& r = *as_remote(old);
    {
      std::lock_guard lock(r.mutex);
      if (r.handed_over) continue;
    }
    // (Its first holder may still have it, if the attempt failed on a live worker: its
    // copy is released with the reference.)
    std::vector<std::byte> bytes;
    std::string why;
    if (fetch_remote_bytes(now->host, now->port, now->key, false, bytes, why)) {
      count_relayed_bytes(bytes.size());
      give_bytes(r, std::move(bytes));
    }
  }
  if (sweep) sweep_producer_refs();
}

// Records the fresh elements the channel accepted. `items`: the publish's elements after
// publish_attempt, when it threw (it moves each element it accepts, one by one: the
// accepted ones are empty, a prefix of the fresh ones); null when it returned (all were).
void remember_published(const StreamCall& call, std::vector<Fresh>& fresh,
                        const std::vector<Element>* items) {
  std::lock_guard lock(producers_mutex);
  auto it = producer_refs.find({call.stream, call.slot});
  if (it == producer_refs.end()) return;  // its slot closed meanwhile: nothing will need it
  ProducerRefs& log = it->second;
  if (call.attempt != log.attempt) return;  // a newer attempt started meanwhile
  for (auto& [index, w] : fresh) {
    if (items != nullptr && (*items)[index] != nullptr) {
      --log.seen;  // not accepted: its position is still to come
    } else {
      log.refs.push_back(std::move(w));
    }
  }
  while (!log.refs.empty() && log.refs.front().expired()) {
    log.refs.pop_front();
    ++log.base;
  }
}

// The calls a stream endpoint answers without a stream: elements this process holds.
bool answer_element_call(StreamCall& call, const std::string& from_host, StreamReply& reply) {
  switch (static_cast<StreamCall::Op>(call.op)) {
    case StreamCall::fetch: {
      if (!call.elements.empty()) {  // a batch: as many as the budget allows, in order
        reply.elements = serve_held_elements(call.elements, call.flag, stream_fetch_budget());
        return true;
      }
      std::vector<std::byte> bytes;
      if (!fetch_held_element(call.slot, call.flag, bytes)) {
        reply.error = "compss: element " + std::to_string(call.slot) + " is not held here";
      } else {
        reply.elements.push_back({.bytes = std::move(bytes)});
      }
      return true;
    }
    case StreamCall::release: {
      std::vector<std::uint64_t> keys;
      for (const WireElement& e : call.elements) keys.push_back(e.key);
      release_held_elements(keys);
      return true;
    }
    case StreamCall::hand_over:
      for (WireElement& e : call.elements) {
        count_relayed_bytes(e.bytes.size());
        reply.value += hand_over_element(holder_host(e, from_host, call.stream), e.port, e.key,
                                         std::move(e.bytes)) ? 1 : 0;
      }
      return true;
    case StreamCall::locate: {
      // (The holder's copy may be on its way here: a hand-over comes within seconds, the
      // bytes of a retried producer once its task runs again.)
      std::vector<std::byte> bytes;
      const WireElement& e = call.elements.empty() ? WireElement{} : call.elements.front();
      if (!handed_over_bytes(e.host, e.port, e.key, bytes)) {
        reply.error = "compss: stream " + std::to_string(call.stream) + ": element " +
                      std::to_string(e.key) + " was lost with its producer's worker (" + e.host +
                      ":" + std::to_string(e.port) + "), which neither served nor handed it over";
      } else {
        count_relayed_bytes(bytes.size());
        reply.elements.push_back({.bytes = std::move(bytes)});
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace

StreamReply answer_stream_call(StreamCall& call, const std::string& from_host,
                               std::vector<Element>* sent, std::uint64_t connection) {
  StreamReply reply;
  try {
    if (answer_element_call(call, from_host, reply)) return reply;
    std::shared_ptr<StreamChannel> channel = detail::find_stream_channel(call.stream);
    if (channel == nullptr) {
      throw Error("compss: stream " + std::to_string(call.stream) +
                  " no longer exists on the master (its last handle is gone)");
    }
    StreamChannel& c = *channel;
    switch (static_cast<StreamCall::Op>(call.op)) {
      case StreamCall::publish: {
        std::vector<Element> items = decoded(c, call.elements, from_host, call.slot);
        std::vector<Fresh> fresh;
        // (A file stream's retry is matched by file name, in the channel: no positions.)
        const bool retryable = call.slot != 0 && call.attempt != 0 && !c.by_name();
        if (retryable) refill_from_retry(call, items, fresh);
        try {
          c.publish_attempt(items, call.slot, call.attempt);
        } catch (...) {
          // (What it accepted before it threw stays in the channel: its references too.)
          if (retryable) remember_published(call, fresh, &items);
          throw;
        }
        if (retryable) remember_published(call, fresh, nullptr);
        break;
      }
      case StreamCall::poll: {
        // Elements are encoded as they are taken, and taking stops before the reply would
        // pass the budget (a frame is bounded; the rest waits for the next poll).
        const detail::ElementCodec& codec = codec_of(c);
        std::size_t bytes = 0;
        auto fits = [&](const Element& e) {
          WireElement w = wire_of(e, codec);
          // (A reference counts its element's bytes: its consumer fetches them before
          // this poll returns.)
          bytes += w.bytes.size() + w.size + w.host.size() + min_wire_element_bytes;
          // (A prefetch poll's own budget is smaller: the service's bounds a frame.)
          const std::size_t budget = call.budget != 0 ? std::min<std::size_t>(call.budget, stream_reply_budget.load())
                                                      : stream_reply_budget.load();
          if (!reply.elements.empty() && bytes > budget) return false;
          reply.elements.push_back(std::move(w));
          return true;
        };
        // at_most_once: what it takes is the consumer's once it confirmed receiving it (a
        // commit naming the batch, RemoteStreamPort::poll); until then a lost reply loses
        // nothing (serve_stream_calls gives it back when the connection ends).
        const bool confirm = c.mode() == ConsumerMode::at_most_once;
        if (confirm) at_most_once_batches().before_poll(c, call.slot, call.attempt, connection);
        std::vector<Element> items =
            c.poll_attempt(call.slot, static_cast<double>(call.timeout_us) / 1e6, call.attempt, fits,
                           confirm, call.flag, call.batch);
        if (confirm) at_most_once_batches().polled(c, call.slot, call.attempt, call.batch, !items.empty());
        reply.elements.resize(items.size());  // (the one refused was encoded, not taken)
        // Whether this consumer has now taken everything of a closed stream: its
        // is_closed() right after needs no round trip of its own.
        reply.value = c.is_closed(call.slot) ? 1 : 0;
        for (const WireElement& w : reply.elements) count_relayed_bytes(w.bytes.size());
        // (The references are kept until the consumer's next call: it fetches them in
        // between, and a hand-over must find them meanwhile.)
        if (sent != nullptr) *sent = std::move(items);
        break;
      }
      case StreamCall::close: c.close_attempt(call.slot, call.text, call.attempt); break;
      case StreamCall::is_closed:
        c.enter_attempt(call.slot, call.attempt);
        reply.value = c.is_closed(call.slot) ? 1 : 0;
        break;
      // (`slot`: the slot or place of the task whose handle opens it, which it ends with.)
      case StreamCall::add_producer:
        reply.value = call.slot != 0 ? c.add_producer_for(call.slot, call.attempt) : c.add_producer();
        break;
      case StreamCall::add_consumer:
        reply.value = call.slot != 0 ? c.add_consumer_for(call.slot, call.attempt) : c.add_consumer(call.flag);
        break;
      case StreamCall::remove_consumer:
        c.remove_consumer_attempt(call.slot, call.flag, call.text, call.attempt);
        break;
      case StreamCall::commit:  // (at_most_once: the consumer received the batch it polled)
        if (c.mode() == ConsumerMode::at_most_once) {
          const bool confirmed = at_most_once_batches().confirm(c, call.slot, call.attempt, call.batch, connection);
          reply.value = confirmed ? 0 : StreamReply::given_back_bit;
        } else {
          c.enter_attempt(call.slot, call.attempt);
          c.commit(call.slot);
        }
        if (c.is_closed(call.slot)) reply.value |= StreamReply::closed_bit;
        break;
      case StreamCall::return_unread:
        if (c.mode() == ConsumerMode::at_most_once) {
          reply.value = at_most_once_batches().return_unread(c, call.slot, call.attempt, call.batch,
                                                             call.flag, connection) ? 1 : 0;
        }
        break;
      case StreamCall::rewind: c.rewind(call.slot); break;
      case StreamCall::claim: reply.value = c.is_new_file(call.text) ? 1 : 0; break;
      case StreamCall::add_found: {
        std::vector<Element> items = decoded(c, call.elements, from_host, 0);
        c.add_found(items);
        break;
      }
      case StreamCall::producers_done: reply.value = c.producers_done() ? 1 : 0; break;
      case StreamCall::count_consumer_task: c.count_consumer_task(); break;
    }
  } catch (const std::exception& e) {
    reply.error = e.what();
    reply.elements.clear();
  }
  return reply;
}

ConnectionOptions stream_connection_options(ConnectionOptions base) {
  base.spin = std::chrono::microseconds(0);
  return base;
}

void set_stream_reply_budget(std::size_t bytes) noexcept { stream_reply_budget.store(bytes); }

std::size_t producer_log_count() {
  std::lock_guard lock(producers_mutex);
  return producer_refs.size();
}

namespace {

std::atomic<std::uint64_t> last_connection{0};  // serve_stream_calls numbers its connections

// The consumer places a connection polled or confirmed for (stream, place): when it ends
// (its worker died, or an answer was lost), the batches they took and were not confirmed
// to have received go back to their places (AtMostOnceBatches::connection_ended), unless
// a newer connection of the place took over (a consumer that resent its confirmation).
class PolledPlaces {
 public:
  explicit PolledPlaces(std::uint64_t connection) : connection_(connection) {}
  void note(const StreamCall& call) {
    // (return_unread too: it makes its connection the place's owner, as they do.)
    if (call.op != StreamCall::poll && call.op != StreamCall::commit && call.op != StreamCall::return_unread) return;
    const auto place = std::make_pair(call.stream, call.slot);
    if (std::ranges::find(places_, place) == places_.end()) places_.push_back(place);
  }
  ~PolledPlaces() {
    try {
      at_most_once_batches().connection_ended(connection_, places_);
    } catch (...) {
    }
  }

 private:
  const std::uint64_t connection_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> places_;
};

}  // namespace

void serve_stream_calls(Endpoint& peer) {
  const std::string from_host = peer_host(peer);
  const std::uint64_t connection = ++last_connection;
  PolledPlaces polled(connection);  // (declared first: gives back after last_poll went)
  std::vector<Element> last_poll;   // the references of the last poll answered (see poll)
  for (;;) {
    Message m;
    std::error_code ec = peer.receive(m, std::chrono::hours(24));
    if (ec == NetError::timed_out) continue;
    if (ec) return;
    if (auto* call = std::get_if<StreamCall>(&m)) {
      std::vector<Element> sent;
      polled.note(*call);
      StreamReply reply = answer_stream_call(*call, from_host, &sent, connection);
      if (call->op != StreamCall::locate) last_poll = std::move(sent);
      if (peer.send(reply)) return;
    }
    // The Hello and anything else are not calls: ignored.
  }
}

StreamService::StreamService(boost::asio::io_context& io, ListenerOptions options, Role role,
                             bool report)
    : role_(role), report_(report), listener_(io, [&] {
        ListenerOptions o = options;  // (options.secret is used below)
        o.connection = stream_connection_options(std::move(o.connection));
        return o;
      }()) {
  if (role_ == Role::master) {
    service_port.store(listener_.port());
    // The program's fetches from a silent holder wait as long as the master waits for a
    // silent worker (as the workers' fetches do: their Heartbeat tells them).
    set_stream_answer_wait(config::run_config().master.worker_timeout);
    // The master fetches what the program polls from the workers holding it.
    set_stream_connector([&io, hello = Hello{.secret = options.secret, .node_name = "master"}](
                             const std::string& host, std::uint16_t port) {
      // (A worker that does not answer at once is dead: net/stream_elements.hpp.)
      return std::shared_ptr<Endpoint>(
          connect_to(io, host, port, hello, std::chrono::seconds(3), stream_connection_options()));
    });
    releaser_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        stop_.wait_for(lock, std::chrono::milliseconds(50));
        lock.unlock();
        flush_element_releases([this] { return stopping_.load(); });  // (shutdown: stop soon)
        lock.lock();
      }
    });
  }
  acceptor_ = std::thread([this] {
    // Short accept waits so the destructor is not held up.
    while (!stopping_) {
      std::shared_ptr<Endpoint> peer = listener_.accept(std::chrono::milliseconds(100));
      if (!peer) continue;
      {
        std::lock_guard lock(mutex_);
        std::erase_if(peers_, [](const std::weak_ptr<Endpoint>& p) { return p.expired(); });
        peers_.push_back(peer);
      }
      std::thread([peer] { serve_stream_calls(*peer); }).detach();
    }
  });
}

StreamService::~StreamService() {
  if (role_ == Role::master) {
    service_port.store(0);
    if (report_ && stream_references_made() + stream_bytes_relayed() > 0) {
      std::fprintf(stderr,
                   "compss: streams: %llu elements went from their producer's worker to their "
                   "consumer directly (%llu more were handed to the master), %llu were sent "
                   "with their bytes (small ones inline), %llu element bytes passed through "
                   "the master\n",
                   static_cast<unsigned long long>(stream_references_made() - stream_references_given_bytes()),
                   static_cast<unsigned long long>(stream_references_given_bytes()),
                   static_cast<unsigned long long>(stream_elements_published_with_bytes()),
                   static_cast<unsigned long long>(stream_bytes_relayed()));
    }
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stop_.notify_all();
  }
  acceptor_.join();
  if (releaser_.joinable()) releaser_.join();
  // Only now that no release is being sent: the connections it kept are dropped (a flush
  // still running would keep one past the io_context's end).
  if (role_ == Role::master) set_stream_connector(nullptr);
  std::lock_guard lock(mutex_);
  for (auto& p : peers_) {
    if (auto peer = p.lock()) peer->close();  // ends its thread's wait for the next call
  }
}

}  // namespace compss::net

namespace compss::detail {

std::uint16_t stream_service_port() noexcept { return net::service_port.load(); }

}  // namespace compss::detail
