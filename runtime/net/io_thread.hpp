// IoThread: one Boost.Asio io_context served by one thread. The asynchronous parts of the
// network layer run on it (accepting, connecting, reading a new connection's Hello), so
// they need no locks among themselves; established connections are read and written on
// their callers' threads (tcp_connection.hpp).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <thread>

namespace compss::net {

/// Owns an io_context and the thread that runs it; stops and joins on destruction (or at
/// stop()). Destroy endpoints and listeners that use it first. Not thread-safe: stop()
/// and the destructor from one owner thread.
///
///   IoThread io;
///   Listener listener(io.context(), options);
class IoThread {
 public:
  IoThread() : work_(boost::asio::make_work_guard(context_)), thread_([this] { context_.run(); }) {}
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  ~IoThread() { stop(); }

  /// Stops the thread (handlers not run yet never run; posting stays safe) and joins it;
  /// the context lives on until destruction, for the sockets and timers made on it. Once.
  /// Not from the io thread itself.
  void stop() {
    if (!thread_.joinable()) return;
    work_.reset();
    context_.stop();
    thread_.join();
  }

  /// The io_context the thread runs.
  ///
  ///   boost::asio::post(io.context(), [] { ... });
  boost::asio::io_context& context() noexcept { return context_; }

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace compss::net
