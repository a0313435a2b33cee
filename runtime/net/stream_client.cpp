#include "net/stream_client.hpp"

#include "net/stream_elements.hpp"

#include <compss/detail/stream_files.hpp>
#include <compss/error.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

namespace compss::net {

namespace {

std::mutex connector_mutex;
StreamConnector installed_connector;  // under connector_mutex

}  // namespace

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
  hand_over_unfetched();
  service_->close();
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

StreamReply RemoteStreamPort::call(StreamCall c) {
  c.stream = ticket_.stream;
  c.attempt = ticket_.attempt;
  std::lock_guard lock(mutex_);
  const std::string where = "compss: stream " + std::to_string(ticket_.stream) +
                            ": the connection to the master's stream service at " +
                            service_->peer();
  if (std::error_code ec = service_->send(c)) throw Error(where + " failed: " + ec.message());
  for (;;) {
    // A publish waits for room, a poll for elements: as long as the master makes it wait.
    Message m;
    std::error_code ec = service_->receive(m, std::chrono::seconds(1));
    if (ec == NetError::timed_out) continue;
    if (ec) throw Error(where + " failed: " + ec.message());
    auto* reply = std::get_if<StreamReply>(&m);
    if (reply == nullptr) throw Error(where + " sent an unexpected message");
    if (!reply->error.empty()) throw Error(reply->error);
    return std::move(*reply);
  }
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
  return call({.op = StreamCall::add_producer}).value;
}

void RemoteStreamPort::publish(std::vector<Element>& items) {
  if (items.empty()) return;
  std::vector<WireElement> wire = encoded(items);
  // An object stream's elements stay here when this process serves them: the master
  // gets references (a file stream's paths are small: they travel).
  const std::uint16_t here = element_port();
  if (here != 0 && ticket_.base_dir.empty()) {
    std::vector<std::uint64_t> keys;
    keys.reserve(wire.size());
    for (WireElement& w : wire) {
      w.key = hold_element(std::move(w.bytes));
      w.bytes.clear();
      w.port = here;
      keys.push_back(w.key);
    }
    std::lock_guard lock(mutex_);
    held_keys_.insert(held_keys_.end(), keys.begin(), keys.end());
    // (Keys fetched and dropped since are forgotten now and then, so the list stays short.)
    if (held_keys_.size() > 4 * keys.size() + 1024) {
      std::erase_if(held_keys_, [](std::uint64_t k) { return !element_held(k); });
    }
  }
  // (Under the task's slot: a retried producer's elements are matched with its earlier
  // attempts' there, StreamChannel::publish_attempt.)
  call({.op = StreamCall::publish, .slot = ticket_.producer, .elements = std::move(wire)});
  items.clear();
}

void RemoteStreamPort::add_found(std::vector<Element>& items) {
  if (items.empty()) return;
  call({.op = StreamCall::add_found, .elements = encoded(items)});
  items.clear();
}

bool RemoteStreamPort::claim(const std::string& name) {
  return call({.op = StreamCall::claim, .text = name}).value != 0;
}

bool RemoteStreamPort::producers_done() {
  return call({.op = StreamCall::producers_done}).value != 0;
}

void RemoteStreamPort::close(std::uint64_t slot, const std::string& error) {
  call({.op = StreamCall::close, .slot = slot, .text = error});
}

std::uint64_t RemoteStreamPort::add_consumer(bool task) {
  return call({.op = StreamCall::add_consumer, .flag = task}).value;
}

void RemoteStreamPort::count_consumer_task() { call({.op = StreamCall::count_consumer_task}); }

void RemoteStreamPort::remove_consumer(std::uint64_t consumer, bool task,
                                       const std::string& failure) {
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
    if (!lost_.empty()) throw Error(std::exchange(lost_, std::string()));
  }
  StreamReply reply;
  for (;;) {
    const double chunk = forever ? 3600.0 : std::min(left, 3600.0);
    reply = call({.op = StreamCall::poll, .slot = consumer,
                  .timeout_us = static_cast<std::uint64_t>(chunk * 1e6)});
    left -= chunk;
    if (!reply.elements.empty() || (!forever && left <= 0) || is_closed(consumer)) break;
  }
  // One element lost does not cost the others of the batch: they come now, the loss is
  // the next poll's error.
  std::vector<Element> out;
  out.reserve(reply.elements.size());
  std::string lost;
  for (WireElement& e : reply.elements) {
    try {
      out.push_back(resolved(e));
    } catch (const Error& error) {
      if (lost.empty()) lost = error.what();
    }
  }
  if (!lost.empty() && out.empty()) throw Error(lost);
  std::lock_guard lock(mutex_);
  lost_ = std::move(lost);
  return out;
}

detail::StreamPort::Element RemoteStreamPort::resolved(WireElement& w) {
  if (w.key == 0) return codec_->decode(w.bytes);
  // at_most_once: this poll took it, the holder may drop it; at_least_once: others read it.
  const bool take = mode() == ConsumerMode::at_most_once;
  std::string why;
  std::vector<std::byte> bytes;
  if (fetch_remote_bytes(w.host, w.port, w.key, take, bytes, why)) return codec_->decode(bytes);
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

bool RemoteStreamPort::is_closed(std::uint64_t consumer) {
  {
    std::lock_guard lock(mutex_);
    if (!lost_.empty()) return false;  // (the next poll reports the loss: not in silence)
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
  return std::make_shared<net::RemoteStreamPort>(net::connect_stream_endpoint("", ticket.port),
                                                 ticket, codec);
}

}  // namespace compss::detail
