// UnansweredFiles: the attempt-private files (net/attempt_files.hpp) of requests whose
// answer has not come, so that an end that does not wait for some answers still removes
// them: the master's when a run ends with timed-out bodies still running on workers
// (Runtime::exit_if_abandoned: it exits without their answers; an `inout` file's private
// copy was made when the request was built), a worker's when it ends with bodies still
// running (its master is gone or ended the run: it exits without them). The master's
// removal comes as it tells the workers the run is over, so a body that still writes
// after it is the worker's to clean as that worker ends. docs/distributed.md, "Data".
#pragma once

#include "net/message.hpp"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace compss::net {

/// Thread-safe: one leaf mutex, taken only while some request with private files is
/// unanswered (a run without shared files never takes it).
///
///   files.sent(&key, request);   // before the request goes (or its body runs)
///   files.answered(&key);        // its answer came (its files are its receiver's now)
///   files.remove_all();          // the end: no answer will come
class UnansweredFiles {
 public:
  /// Keeps the private paths `request` names under `key` (nothing when it names none).
  void sent(const void* key, const TaskRequest& request);
  /// The same with the request's private paths already listed (attempt_files::private_paths_of).
  void sent(const void* key, std::vector<std::string> paths);
  /// Forgets `key`'s paths.
  void answered(const void* key) noexcept;
  /// Removes every file kept (errors ignored: a file already gone) and forgets them.
  void remove_all() noexcept;
  std::size_t size() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  std::unordered_map<const void*, std::vector<std::string>> paths_;
  // paths_.size(), read without the lock: a key is added before its answer can come (the
  // same thread sends it), so zero means none of the caller's is kept.
  std::atomic<std::size_t> count_{0};
};

}  // namespace compss::net
