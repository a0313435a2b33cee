// The worker's side of the globals tasks read (include/compss/detail/task_globals.hpp):
// the master's values as they arrive with task requests, and loading them into this
// process's own variables before a task that reads them runs.
#pragma once

#include "net/message.hpp"

#include <compss/detail/remote_invoke.hpp>
#include <compss/error.hpp>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace compss::net {

/// A request names a global's value by a stamp this worker no longer keeps (the request
/// was overtaken by more newer values than it keeps): the worker answers
/// "compss::DataMissing", and the master resends the value inline.
struct GlobalValueMissing : Error {
  using Error::Error;
};

/// One per process (a process has one set of globals): worker_globals().
///
/// Thread-safe: one mutex. receive() must be called in the order the master's requests
/// arrive (serve_tasks calls it under its receive lock), so that a request naming a value
/// by stamp finds it; enter() may wait for tasks running with another version of a global.
class WorkerGlobals {
 public:
  /// While it lives, the process's globals hold the versions one task reads.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept : owner_(other.owner_), held_(std::move(other.held_)) {
      other.owner_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();

   private:
    friend class WorkerGlobals;
    WorkerGlobals* owner_ = nullptr;
    std::vector<void*> held_;
  };

  /// Gives each global of `request` its value (WireGlobal::shared_value): an inline value
  /// is also kept for later requests naming its stamp. Throws compss::Error for a global
  /// the task does not have, GlobalValueMissing for a value named by a stamp this worker
  /// does not keep.
  void receive(const detail::RemoteTask& task, TaskRequest& request);

  /// Loads the versions `request` reads into the process's globals (after receive), once
  /// no running task reads another version of one of them. Throws compss::Error when a
  /// value cannot be loaded.
  Lease enter(const detail::RemoteTask& task, const TaskRequest& request);

 private:
  /// Values kept per global, by stamp: a few recent ones, for requests overtaken by others.
  static constexpr std::size_t kept_per_global = 8;
  struct Live {
    std::uint64_t version = 0;  ///< loaded in the variable (0: its initial value)
    unsigned readers = 0;       ///< running tasks reading it
  };
  void leave(const std::vector<void*>& held);

  std::mutex mutex_;
  std::condition_variable left_;
  std::unordered_map<void*, std::map<std::uint64_t, std::shared_ptr<const std::vector<std::byte>>>>
      received_;
  std::unordered_map<void*, Live> live_;
};

/// This process's WorkerGlobals.
WorkerGlobals& worker_globals();

}  // namespace compss::net
