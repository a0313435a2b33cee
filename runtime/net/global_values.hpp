// The master's side of the globals tasks read (include/compss/detail/task_globals.hpp):
// their values, taken when each task is submitted, and which worker already holds which
// value, so that a value travels to a worker once, not with every request.
#pragma once

#include "net/message.hpp"

#include <compss/detail/remote_invoke.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace compss::detail {

/// The values of the globals one task reads, as they were when it was submitted
/// (TaskBase::globals); entry i is the task's registered global i.
struct GlobalSnapshot {
  struct Value {
    const void* address = nullptr;  ///< the master's variable: identifies the global
    std::uint64_t version = 0;      ///< changes whenever the value does
    std::vector<std::byte> bytes;
  };
  std::vector<std::shared_ptr<const Value>> values;
};

}  // namespace compss::detail

namespace compss::net {

/// Thread-safe (one mutex; taken with no other lock of the caller's order held after it).
class GlobalValues {
 public:
  /// The current values of the globals `task` reads: called at submission, on the thread
  /// of `main`, so each task gets the values of its place in program order. An unchanged
  /// value keeps its version (and its bytes are shared).
  ///
  ///   t->globals = values.snapshot(*remote);
  std::shared_ptr<const detail::GlobalSnapshot> snapshot(const detail::RemoteTask& task);

  /// Appends the task's globals to a request for worker `node`: a value goes inline unless
  /// the worker confirmed it holds that version (the last one sent to it).
  void add_to_request(const detail::GlobalSnapshot& snapshot, int node, TaskRequest& request);

  /// Worker `node` answered `request`: it received the values the request carried.
  void confirm(const detail::GlobalSnapshot& snapshot, int node, const TaskRequest& request);

  /// Worker `node` answered that it lacks a value (compss::DataMissing): the next request
  /// for it carries the values of `snapshot` inline again. (A value the worker dropped
  /// after newer ones is no longer the one recorded as sent anyway; this also covers a
  /// worker that lost values the master still counts as confirmed.)
  void forget(const detail::GlobalSnapshot& snapshot, int node);

 private:
  /// What was last sent inline to one worker for one global.
  struct Sent {
    std::uint64_t version = 0;
    std::uint64_t stamp = 0;
    bool confirmed = false;
  };
  std::mutex mutex_;
  std::unordered_map<const void*, std::shared_ptr<const detail::GlobalSnapshot::Value>> latest_;
  std::map<std::pair<int, const void*>, Sent> sent_;
  std::uint64_t next_version_ = 1;
  std::uint64_t next_stamp_ = 1;
};

}  // namespace compss::net
