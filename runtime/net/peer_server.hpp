// PeerServer: a worker's data listener, serving stored versions to other nodes.
#pragma once

#include "net/listener.hpp"
#include "net/worker_event_log.hpp"
#include "net/worker_store.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace compss::net {

/// Answers DataFetchRequest from `store` on every admitted connection (peers must say
/// Hello with the run's secret, as on any Listener). One thread accepts; one thread per
/// connection serves it. The destructor closes everything and joins.
///
///   WorkerStore store;
///   PeerServer server(io.context(), {.address = "0.0.0.0", .secret = secret}, store);
///   hello.data_port = server.port();
class PeerServer {
 public:
  /// Binds like Listener; throws compss::Error when the address cannot be bound. With
  /// `events`, each value sent is told there (WorkerEventKind::serve, on thread 0).
  PeerServer(boost::asio::io_context& io, ListenerOptions options, const WorkerStore& store,
             WorkerEventLog* events = nullptr);
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  /// The bound port (what the worker reports as Hello::data_port).
  ///
  ///   std::uint16_t p = server.port();
  std::uint16_t port() const noexcept { return listener_.port(); }

 private:
  void accept_loop();
  void serve(std::shared_ptr<Endpoint> peer);

  Listener listener_;
  const WorkerStore& store_;
  WorkerEventLog* events_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::shared_ptr<Endpoint>> peers_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

/// The reply to a fetch request from `store` (found = false when it does not hold it).
/// The value is not copied: `shared_value` points at the stored bytes.
///
///   endpoint.send(answer_fetch(store, request));
DataFetchReply answer_fetch(const WorkerStore& store, const DataFetchRequest& request);

}  // namespace compss::net
