// RemoteExecutor: the master's side of running one task on one worker.
#pragma once

#include "net/endpoint.hpp"

#include <chrono>
#include <memory>

namespace compss::net {

/// Sends task requests to one worker and waits for their outcome. Not yet connected to
/// the scheduler (docs/distributed.md, "Not done yet"): callers build the requests.
///
///   RemoteExecutor worker(listener.accept(std::chrono::seconds(10)));
///   TaskDone d = worker.run(request, std::chrono::seconds(30));
class RemoteExecutor {
 public:
  /// Takes an admitted connection (its Hello still unread) or any other endpoint.
  explicit RemoteExecutor(std::shared_ptr<Endpoint> worker);

  /// The worker's hello (read on first use); throws compss::Error when the first message
  /// is not a hello.
  ///
  ///   std::string name = worker.hello().node_name;
  const Hello& hello(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Runs one task on the worker. Throws compss::Error "task 'f' (id N) failed on worker
  /// <peer>: <type>: <message>" when it failed, or naming the network error when the
  /// worker could not be reached or did not answer within `timeout`.
  ///
  ///   TaskDone d = worker.run(request, std::chrono::seconds(30));
  TaskDone run(const TaskRequest& request, std::chrono::milliseconds timeout);

  /// Tells the worker to stop serving and closes the channel.
  ///
  ///   worker.shutdown();
  void shutdown() noexcept;

 private:
  std::shared_ptr<Endpoint> worker_;
  Hello hello_;
  bool have_hello_ = false;
};

}  // namespace compss::net
