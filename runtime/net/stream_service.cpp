#include "net/stream_service.hpp"

#include <compss/detail/stream_remote.hpp>
#include <compss/error.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace compss::net {

namespace {

std::atomic<std::uint16_t> service_port{0};

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

std::vector<Element> decoded(const StreamChannel& channel, const std::vector<WireElement>& in) {
  const detail::ElementCodec& codec = codec_of(channel);
  std::vector<Element> items;
  items.reserve(in.size());
  for (const WireElement& e : in) items.push_back(codec.decode(e.bytes));
  return items;
}

}  // namespace

StreamReply answer_stream_call(const StreamCall& call) {
  StreamReply reply;
  try {
    std::shared_ptr<StreamChannel> channel = detail::find_stream_channel(call.stream);
    if (channel == nullptr) {
      throw Error("compss: stream " + std::to_string(call.stream) +
                  " no longer exists on the master (its last handle is gone)");
    }
    StreamChannel& c = *channel;
    switch (static_cast<StreamCall::Op>(call.op)) {
      case StreamCall::publish: {
        std::vector<Element> items = decoded(c, call.elements);
        c.publish_attempt(items, call.slot, call.attempt);
        break;
      }
      case StreamCall::poll: {
        std::vector<Element> items =
            c.poll_attempt(call.slot, static_cast<double>(call.timeout_us) / 1e6, call.attempt);
        const detail::ElementCodec& codec = codec_of(c);
        reply.elements.reserve(items.size());
        for (const Element& e : items) reply.elements.push_back({codec.encode(e.get())});
        break;
      }
      case StreamCall::close: c.close_attempt(call.slot, call.text, call.attempt); break;
      case StreamCall::is_closed:
        c.enter_attempt(call.slot, call.attempt);
        reply.value = c.is_closed(call.slot) ? 1 : 0;
        break;
      case StreamCall::add_producer: reply.value = c.add_producer(); break;
      case StreamCall::add_consumer: reply.value = c.add_consumer(call.flag); break;
      case StreamCall::remove_consumer: c.remove_consumer(call.slot, call.flag, call.text); break;
      case StreamCall::commit:
        c.enter_attempt(call.slot, call.attempt);
        c.commit(call.slot);
        break;
      case StreamCall::rewind: c.rewind(call.slot); break;
      case StreamCall::claim: reply.value = c.claim(call.text) ? 1 : 0; break;
      case StreamCall::add_found: {
        std::vector<Element> items = decoded(c, call.elements);
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

void serve_stream_calls(Endpoint& peer) {
  for (;;) {
    Message m;
    std::error_code ec = peer.receive(m, std::chrono::hours(24));
    if (ec == NetError::timed_out) continue;
    if (ec) return;
    if (auto* call = std::get_if<StreamCall>(&m)) {
      if (peer.send(answer_stream_call(*call))) return;
    }
    // The Hello and anything else are not calls: ignored.
  }
}

StreamService::StreamService(boost::asio::io_context& io, ListenerOptions options)
    : listener_(io, std::move(options)) {
  service_port.store(listener_.port());
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
  service_port.store(0);
  stopping_ = true;
  acceptor_.join();
  std::lock_guard lock(mutex_);
  for (auto& p : peers_) {
    if (auto peer = p.lock()) peer->close();  // ends its thread's wait for the next call
  }
}

}  // namespace compss::net

namespace compss::detail {

std::uint16_t stream_service_port() noexcept { return net::service_port.load(); }

}  // namespace compss::detail
