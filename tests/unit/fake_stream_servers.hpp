// The stream service's side of fake connections, for the stream unit tests.
#pragma once

#include "net/fake_transport.hpp"
#include "net/stream_service.hpp"

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

/// Serves stream calls on fake connection ends, each on a thread of its own, as the
/// master's StreamService (or a worker's element endpoint) serves a TCP one.
/// Thread-safe: a test's stream connector calls serve() from any thread; stop() closes
/// every end and joins their threads (once, from the test's thread).
class FakeStreamServers {
 public:
  /// The other end of a new fake pair, whose first end is served here.
  std::shared_ptr<compss::net::Endpoint> connect() {
    auto [client_end, served_end] = compss::net::make_fake_pair();
    serve(served_end);
    return client_end;
  }
  void serve(std::shared_ptr<compss::net::Endpoint> end) {
    std::lock_guard lock(mutex_);
    threads_.emplace_back([end] { compss::net::serve_stream_calls(*end); });
    ends_.push_back(std::move(end));
  }
  void stop() {
    std::lock_guard lock(mutex_);
    for (auto& e : ends_) e->close();
    for (auto& t : threads_) t.join();
    ends_.clear();
    threads_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<compss::net::Endpoint>> ends_;
};
