// Endpoint: one end of a message channel, the interface master and worker code talk to.
// Implemented over TCP (tcp_connection.hpp) and in memory for tests (fake_transport.hpp).
#pragma once

#include "net/message.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <system_error>

namespace compss::net {

/// A bidirectional, ordered channel of messages. Thread-safe.
///
///   endpoint.send(TaskRequest{...});
///   Message reply;
///   if (auto ec = endpoint.receive(reply, std::chrono::seconds(5))) handle(ec);
class Endpoint {
 public:
  virtual ~Endpoint() = default;

  /// Sends a message to the peer (TcpConnection: written to the socket before it
  /// returns, blocking while the socket buffer is full); NetError::closed once the
  /// endpoint is closed or broken.
  ///
  ///   endpoint.send(Shutdown{});
  virtual std::error_code send(const Message& m) = 0;

  /// Sends several messages, in order. TcpConnection writes them with one gathered write,
  /// so a peer that reads them all wakes once; the default sends them one by one.
  ///
  ///   const Message* batch[] = {&release, &request};
  ///   endpoint.send_batch(batch);
  virtual std::error_code send_batch(std::span<const Message* const> messages) {
    for (const Message* m : messages) {
      if (std::error_code ec = send(*m)) return ec;
    }
    return {};
  }

  /// Waits at most `timeout` for the next message. NetError::timed_out when none came;
  /// once the channel is closed, the reason it closed (NetError::closed for an orderly
  /// close, the protocol or socket error otherwise).
  ///
  ///   Message m;
  ///   std::error_code ec = endpoint.receive(m, std::chrono::milliseconds(100));
  virtual std::error_code receive(Message& out, std::chrono::milliseconds timeout) = 0;

  /// Closes the channel; pending and later receives return NetError::closed.
  ///
  ///   endpoint.close();
  virtual void close() noexcept = 0;

  /// True once the peer has closed its end or the connection broke, even while messages
  /// it sent before are still unread (receive() returns those first). It reads nothing,
  /// so any thread may ask while others receive. (The in-memory fake never says so.)
  ///
  ///   if (endpoint.peer_gone()) abandon_running_tasks();
  virtual bool peer_gone() const noexcept { return false; }

  /// A printable name of the peer (address:port, or "fake").
  ///
  ///   log("task sent to " + endpoint.peer());
  virtual std::string peer() const = 0;

  /// Bytes received so far, frames not yet complete and bytes not read yet included (0
  /// where not counted): a peer sending one large frame for a long time, or sending while
  /// no thread reads, is still heard (net/worker_link.hpp).
  ///
  ///   if (endpoint.bytes_received() != before) heard_now();
  virtual std::uint64_t bytes_received() const noexcept { return 0; }
};

/// The receive side of an endpoint: a queue of decoded messages that ends with the reason
/// the channel closed.
///
///   Inbox box;
///   box.push(Message{Shutdown{}});
///   Message m;
///   box.pop(m, std::chrono::seconds(1));
class Inbox {
 public:
  /// Adds a message unless the inbox is closed.
  void push(Message m) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      messages_.push_back(std::move(m));
    }
    ready_.notify_one();
  }

  /// Marks the end of the channel; queued messages are still delivered first. The first
  /// reason given is kept.
  void close(std::error_code reason) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = reason ? reason : make_error_code(NetError::closed);
    }
    ready_.notify_all();
  }

  /// Takes the next message, waiting at most `timeout`.
  std::error_code pop(Message& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [&] { return !messages_.empty() || closed_; })) {
      return NetError::timed_out;
    }
    if (messages_.empty()) return closed_;
    out = std::move(messages_.front());
    messages_.pop_front();
    return {};
  }

  /// True when pop() would return at once (a message, or the reason it closed); unlike
  /// pop(m, 0ms), it never waits on the condition variable.
  ///
  ///   if (box.ready()) return box.pop(m, std::chrono::milliseconds(0));
  bool ready() const {
    std::lock_guard lock(mutex_);
    return !messages_.empty() || static_cast<bool>(closed_);
  }
  /// Why the channel closed (empty while it is open).
  ///
  ///   if (auto why = box.reason()) log(why.message());
  std::error_code reason() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  /// True once close() was called.
  bool closed() const {
    std::lock_guard lock(mutex_);
    return static_cast<bool>(closed_);
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Message> messages_;
  std::error_code closed_;
};

}  // namespace compss::net
