#include "net/stream_client.hpp"

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
  std::lock_guard lock(connector_mutex);
  installed_connector = std::move(connector);
}

RemoteStreamPort::RemoteStreamPort(std::shared_ptr<Endpoint> service, detail::StreamTicket ticket,
                                   const detail::ElementCodec* codec)
    : service_(std::move(service)), ticket_(std::move(ticket)), codec_(codec) {}

RemoteStreamPort::~RemoteStreamPort() { service_->close(); }

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
  // (Under the task's slot: a retried producer's elements are matched with its earlier
  // attempts' there, StreamChannel::publish_attempt.)
  call({.op = StreamCall::publish, .slot = ticket_.producer, .elements = encoded(items)});
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
  const double seconds = std::clamp(std::isfinite(timeout) ? timeout : 0.0, 0.0, 3600.0);
  StreamReply reply = call({.op = StreamCall::poll, .slot = consumer,
                            .timeout_us = static_cast<std::uint64_t>(seconds * 1e6)});
  std::vector<Element> out;
  out.reserve(reply.elements.size());
  for (WireElement& e : reply.elements) out.push_back(codec_->decode(e.bytes));
  return out;
}

bool RemoteStreamPort::is_closed(std::uint64_t consumer) {
  return call({.op = StreamCall::is_closed, .slot = consumer}).value != 0;
}

}  // namespace compss::net

namespace compss::detail {

std::shared_ptr<StreamPort> open_remote_port(const StreamTicket& ticket, const ElementCodec* codec) {
  net::StreamConnector connect;
  {
    std::lock_guard lock(net::connector_mutex);
    connect = net::installed_connector;
  }
  if (!connect || ticket.port == 0) {
    throw Error("compss: stream " + std::to_string(ticket.stream) +
                ": this process cannot reach the master's stream service (not a worker of a "
                "compss-run, or the master has none)");
  }
  return std::make_shared<net::RemoteStreamPort>(connect(ticket.port), ticket, codec);
}

}  // namespace compss::detail
