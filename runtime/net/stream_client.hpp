// The worker side of streams across machines (docs/streams.md, "Streams across workers"):
// a stream task's handle on a worker is a RemoteStreamPort, which sends each operation to
// the master's stream service (net/stream_service.hpp) and waits for its answer.
#pragma once

#include "net/endpoint.hpp"

#include <compss/detail/stream_remote.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace compss::net {

/// A port onto the master's stream named by a ticket, over one connection. Operations
/// are sent one at a time (`mutex_`), so a producer's elements reach the master in the
/// order it published them. When this process has a stream endpoint (element_port()), an
/// object stream's elements stay here and the master gets references; a poll fetches the
/// elements it is given references to from their holders (net/stream_elements.hpp). The
/// destructor hands the master what this port published and nobody fetched yet. A compss::Error the operation raised on the master is thrown
/// here with the same message; a lost connection is a compss::Error too (the task fails,
/// and is retried as any task is).
///
///   RemoteStreamPort port(endpoint, ticket, detail::codec_for<double>());
class RemoteStreamPort final : public detail::StreamPort {
 public:
  RemoteStreamPort(std::shared_ptr<Endpoint> service, detail::StreamTicket ticket,
                   const detail::ElementCodec* codec);
  ~RemoteStreamPort() override;

  std::uint64_t id() const noexcept override { return ticket_.stream; }
  ConsumerMode mode() const noexcept override { return static_cast<ConsumerMode>(ticket_.mode); }
  bool bounded() const noexcept override { return true; }

  std::uint64_t add_producer() override;
  void publish(std::vector<Element>& items) override;
  void add_found(std::vector<Element>& items) override;
  bool claim(const std::string& name) override;
  bool producers_done() override;
  void close(std::uint64_t slot, const std::string& error) override;
  std::uint64_t add_consumer(bool task) override;
  void count_consumer_task() override;
  void remove_consumer(std::uint64_t consumer, bool task, const std::string& failure) override;
  void rewind(std::uint64_t consumer) override;
  void commit(std::uint64_t consumer) override;
  std::vector<Element> poll(std::uint64_t consumer, double timeout) override;
  bool is_closed(std::uint64_t consumer) override;

 private:
  StreamReply call(StreamCall c);
  std::vector<WireElement> encoded(const std::vector<Element>& items) const;
  /// The element `w` is, fetched from its holder when it is a reference.
  Element resolved(WireElement& w);
  void hand_over_unfetched() noexcept;

  std::shared_ptr<Endpoint> service_;
  const detail::StreamTicket ticket_;
  const detail::ElementCodec* const codec_;
  std::mutex mutex_;  // one call at a time on the connection
  std::vector<std::uint64_t> held_keys_;  // elements this port left with this process (under mutex_)
  std::string lost_;  // an element the last poll found lost: the next poll throws it (under mutex_)
};

/// Opens a connection to a stream endpoint: the master's stream service (`host` empty:
/// the worker's master's host) or another node's (a producer's worker holding elements,
/// net/stream_elements.hpp). worker_main and the master install one over TCP; tests
/// install in-memory ones.
using StreamConnector =
    std::function<std::shared_ptr<Endpoint>(const std::string& host, std::uint16_t port)>;
void set_stream_connector(StreamConnector connector);
/// A connection through the installed connector; throws compss::Error when there is none
/// or it fails.
std::shared_ptr<Endpoint> connect_stream_endpoint(const std::string& host, std::uint16_t port);

}  // namespace compss::net
