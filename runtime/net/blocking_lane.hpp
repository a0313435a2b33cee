// BlockingLane: a few threads for the master's rare jobs that must wait on the network
// (making lost data again, fetching a value to the master before a request can be built,
// a pause before retrying a task whose input went missing, a stuck worker's restart, a
// restarted worker's admission). The threads that complete tasks read replies from the
// workers, so they must never wait for one themselves.
//
// A job may park its thread in a wait that only other jobs can end: a remake waits for a
// node's free resources (Cluster::choose_remake_worker), or for another thread's run of
// the same producer (DataPlane::remake_once), while the resources it waits for may be held
// by calls queued behind it on this lane (a send that must fetch first, a replica, a stuck
// task whose worker's restart is queued here). Such a wait is marked with a Parked scope:
// while a lane thread is parked and jobs are queued, the lane starts another thread, so
// that `threads` threads always take jobs (the lane grows for parked waits and shrinks
// back once they end). The growth is capped (max_extra_threads: a loss read by thousands
// of tasks parks thousands of waits), and a thread the system refuses is not counted: the
// lane goes on with the threads it has. docs/distributed.md, "Workers that die".
#pragma once

#include "core/thread_start.hpp"

#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace compss::net {

/// Runs posted jobs on its own threads, in order of posting (several at once).
/// Thread-safe: one mutex, a leaf (jobs run without it).
///
///   BlockingLane lane(2);
///   lane.post([] { wait_for_something(); });
///   lane.post([] { BlockingLane::Parked parked; wait_for_what_another_job_frees(); });
class BlockingLane {
 public:
  /// Threads the lane adds at most, beyond its `threads`, for parked waits. At the cap
  /// (one warning on stderr) queued jobs wait for a running one to end or for a parked
  /// wait to end; a parked wait that needs one of them then waits that long too.
  static constexpr std::size_t max_extra_threads = 64;

  /// Starts `threads` threads; fewer when the system refuses some (at least one, or the
  /// std::system_error). `max_extra`: the cap on added threads (tests make it small).
  explicit BlockingLane(std::size_t threads, std::size_t max_extra = max_extra_threads)
      : base_(threads), max_extra_(max_extra) {
    std::unique_lock lock(mutex_);
    std::exception_ptr refused;
    for (std::size_t i = 0; i < threads; ++i) {
      if (!start_thread(&refused)) break;
    }
    if (threads > 0 && alive_ == 0) {
      lock.unlock();
      std::rethrow_exception(refused);
    }
  }
  ~BlockingLane() { stop(); }
  BlockingLane(const BlockingLane&) = delete;
  BlockingLane& operator=(const BlockingLane&) = delete;

  /// While it lives, the calling thread waits for something other jobs may have to bring
  /// about: on one of a lane's threads, that lane starts another thread when jobs are
  /// queued and fewer than its `threads` threads are free to take them. No effect on
  /// other threads. Never throws.
  class Parked {
   public:
    Parked() noexcept : lane_(current_) {
      if (lane_ != nullptr) lane_->park(+1);
    }
    ~Parked() {
      if (lane_ != nullptr) lane_->park(-1);
    }
    Parked(const Parked&) = delete;
    Parked& operator=(const Parked&) = delete;

   private:
    BlockingLane* lane_;
  };

  /// Queues a job; after stop() it is dropped. Throws only what queueing it throws
  /// (a thread refused is not an error: the lane's threads take the job).
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      jobs_.push_back(std::move(job));
      grow_if_starved();
    }
    wake_.notify_one();
  }

  /// Runs the jobs already queued, then joins the threads. A job parked meanwhile still
  /// makes the lane grow (it may wait for one queued behind it).
  void stop() noexcept {
    std::list<Thread> threads;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (;;) {  // (a parked job may still start a thread: joined until none is left)
      {
        std::lock_guard lock(mutex_);
        if (threads_.empty()) return;
        threads.splice(threads.end(), threads_);
      }
      for (Thread& t : threads) {
        if (t.thread.joinable()) t.thread.join();
      }
      threads.clear();
    }
  }

  /// Threads started so far, the first ones included; threads running now (for tests).
  std::size_t threads_started() const {
    std::lock_guard lock(mutex_);
    return started_;
  }
  std::size_t threads_running() const {
    std::lock_guard lock(mutex_);
    return alive_;
  }
  /// Whether stop() was called (for tests and jobs).
  bool stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

 private:
  struct Thread {
    std::thread thread;
    bool ended = false;  // (mutex_) its loop returned: joined at the next start or stop
  };

  // (mutex_ held by the callers of these three.)
  /// Starts a thread; false (nothing counted, nothing kept) when the system refuses it
  /// (its exception in `refused` when given; one warning on stderr while others run).
  bool start_thread(std::exception_ptr* refused = nullptr) noexcept {
    // The handles of extra threads that ended are joined here (they hold no lock by then).
    for (auto it = threads_.begin(); it != threads_.end();) {
      if (it->ended) {
        it->thread.join();
        it = threads_.erase(it);
      } else {
        ++it;
      }
    }
    try {
      Thread& t = threads_.emplace_back();
      try {
        t.thread = compss::rt::start_thread([this, &t] { loop(t); });
      } catch (...) {
        threads_.pop_back();
        throw;
      }
    } catch (...) {
      if (refused != nullptr) *refused = std::current_exception();
      if (!warned_refused_ && alive_ > 0) {
        warned_refused_ = true;
        std::fprintf(stderr, "compss: the master's blocking lane could not start a thread (%s): "
                     "it goes on with the %zu it has\n", what(std::current_exception()), alive_);
      }
      return false;
    }
    ++alive_;
    ++started_;
    return true;
  }
  /// Starts a thread when a job waits and no free thread will take it while fewer than
  /// base_ threads run jobs unparked, up to the cap. Checked wherever one of these changes:
  /// a job queued, a thread parked, a job taken (the thread counted free took it).
  /// Also while stopping: stop() runs the jobs queued, and a parked one may need them.
  void grow_if_starved() noexcept {
    if (jobs_.empty() || idle_ != 0 || alive_ - parked_ >= base_) return;
    if (alive_ >= base_ + max_extra_) {
      if (!warned_cap_) {
        warned_cap_ = true;
        std::fprintf(stderr, "compss: the master's blocking lane reached its cap of %zu added threads "
                     "(%zu threads parked in waits for lost data made again): it starts no more; "
                     "queued jobs wait until a running or parked one ends\n", max_extra_, parked_);
      }
      return;
    }
    start_thread();
  }
  void park(int change) noexcept {
    {
      std::lock_guard lock(mutex_);  // (std::mutex::lock throws only on a deadlock it detects)
      if (change > 0) {
        ++parked_;
        grow_if_starved();
      } else {
        --parked_;
      }
    }
    wake_.notify_one();
  }

  static const char* what(const std::exception_ptr& e) noexcept {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      return x.what();
    } catch (...) {
      return "unknown error";
    }
  }

  void loop(Thread& self) {
    current_ = this;
    std::unique_lock lock(mutex_);
    for (;;) {
      ++idle_;
      // An extra thread (more than base_ alive) leaves once it finds nothing to do.
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty() || alive_ > base_ + parked_; });
      --idle_;
      if (jobs_.empty()) break;  // stopping with nothing left, or no longer needed
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      grow_if_starved();  // (the jobs left were queued while this thread counted as free)
      lock.unlock();
      job();
      job = nullptr;  // (its captures go before the lock is taken again)
      lock.lock();
    }
    --alive_;
    self.ended = true;
  }

  inline static thread_local BlockingLane* current_ = nullptr;  // the lane this thread serves
  const std::size_t base_;
  const std::size_t max_extra_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::size_t alive_ = 0;   // threads whose loop runs
  std::size_t idle_ = 0;    // of them, waiting for a job
  std::size_t parked_ = 0;  // of them, inside a Parked wait
  std::size_t started_ = 0;
  bool warned_cap_ = false;      // the cap's warning was given
  bool warned_refused_ = false;  // a refused thread's warning was given
  std::list<Thread> threads_;  // (a list: each thread keeps a reference to its entry)
};

}  // namespace compss::net
