// Threads for stream tasks (docs/streams.md, "Threads"). A task with a stream parameter
// may wait for other tasks while it runs (a consumer polls until producers close), so it
// must not hold one of the executor's cores: each runs on a thread of its own, started
// when the task is ready. Cores stay for ordinary tasks, so any number of producers and
// consumers make progress whatever the number of cores.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace compss::stream {

/// Starts one thread per job and joins them. Thread-safe (one mutex, held only to add or
/// take threads, never while a job runs or while joining).
class TaskThreads {
 public:
  TaskThreads() = default;
  TaskThreads(const TaskThreads&) = delete;
  TaskThreads& operator=(const TaskThreads&) = delete;
  ~TaskThreads() { join_all(); }

  /// Runs `job` on a new thread. Threads whose job ended are joined first (their stacks
  /// are freed here, not at shutdown).
  void start(std::function<void()> job);

  /// Joins every thread started so far (a job may start others: joined too). Returns
  /// true if there was any.
  bool join_all();

  /// Jobs started and not yet joined.
  std::size_t count();

 private:
  struct Running {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> ended;
  };
  std::mutex mutex_;
  std::vector<Running> running_;
};

}  // namespace compss::stream
