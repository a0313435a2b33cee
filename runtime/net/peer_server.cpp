#include "net/peer_server.hpp"

namespace compss::net {

DataFetchReply answer_fetch(const WorkerStore& store, const DataFetchRequest& request) {
  DataFetchReply reply{request.data_id, request.version, false, {}, nullptr};
  // The reply shares the stored value (not copied; kept alive while being sent even if a
  // DataRelease drops them from the store meanwhile).
  if (WorkerStore::Value value = store.get(request.data_id, request.version)) {
    reply.found = true;
    reply.shared_value = std::move(value);
  }
  return reply;
}

PeerServer::PeerServer(boost::asio::io_context& io, ListenerOptions options,
                       const WorkerStore& store, WorkerEventLog* events)
    : listener_(io, std::move(options)), store_(store), events_(events),
      acceptor_([this] { accept_loop(); }) {}

PeerServer::~PeerServer() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (auto& p : peers_) p->close();  // ends each serve() loop
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void PeerServer::accept_loop() {
  // Short accept waits so the destructor is not held up.
  while (!stopping_) {
    std::shared_ptr<Endpoint> peer = listener_.accept(std::chrono::milliseconds(100));
    if (!peer) continue;
    std::lock_guard lock(mutex_);
    peers_.push_back(peer);
    threads_.emplace_back([this, peer] { serve(peer); });
  }
}

void PeerServer::serve(std::shared_ptr<Endpoint> peer) {
  for (;;) {
    Message m;
    std::error_code ec = peer->receive(m, std::chrono::hours(24));
    if (ec == NetError::timed_out) continue;
    if (ec) return;
    if (auto* q = std::get_if<DataFetchRequest>(&m)) {
      const bool told = events_ != nullptr && events_->recording();
      const std::int64_t begin = told ? worker_clock_ns() : 0;
      DataFetchReply reply = answer_fetch(store_, *q);
      const std::uint64_t bytes = reply.shared_value ? reply.shared_value->size() : 0;
      if (peer->send(reply)) return;
      if (told && bytes > 0) {
        events_->add({.kind = static_cast<std::uint8_t>(WorkerEventKind::serve), .bytes = bytes,
                      .begin_ns = begin, .end_ns = worker_clock_ns()});
      }
    }
    // The Hello and anything else a peer has no reason to send are ignored.
  }
}

}  // namespace compss::net
