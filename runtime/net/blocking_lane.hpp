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
// back once they end). docs/distributed.md, "Workers that die".
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
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
  explicit BlockingLane(std::size_t threads) : base_(threads) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < threads; ++i) start_thread();
  }
  ~BlockingLane() { stop(); }
  BlockingLane(const BlockingLane&) = delete;
  BlockingLane& operator=(const BlockingLane&) = delete;

  /// While it lives, the calling thread waits for something other jobs may have to bring
  /// about: on one of a lane's threads, that lane starts another thread when jobs are
  /// queued and fewer than its `threads` threads are free to take them. No effect on
  /// other threads.
  class Parked {
   public:
    Parked() : lane_(current_) {
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

  /// Queues a job; after stop() it is dropped.
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      jobs_.push_back(std::move(job));
      grow_if_starved();
    }
    wake_.notify_one();
  }

  /// Runs the jobs already queued, then joins the threads.
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

 private:
  struct Thread {
    std::thread thread;
    bool ended = false;  // (mutex_) its loop returned: joined at the next start or stop
  };

  // (mutex_ held by the callers of these three.)
  void start_thread() {
    // The handles of extra threads that ended are joined here (they hold no lock by then).
    for (auto it = threads_.begin(); it != threads_.end();) {
      if (it->ended) {
        it->thread.join();
        it = threads_.erase(it);
      } else {
        ++it;
      }
    }
    Thread& t = threads_.emplace_back();
    ++alive_;
    ++started_;
    t.thread = std::thread([this, &t] { loop(t); });
  }
  /// Starts a thread when a job waits and no free thread will take it while fewer than
  /// base_ threads run jobs unparked.
  void grow_if_starved() {
    if (!stopping_ && !jobs_.empty() && idle_ == 0 && alive_ - parked_ < base_) start_thread();
  }
  void park(int change) {
    {
      std::lock_guard lock(mutex_);
      if (change > 0) {
        ++parked_;
        grow_if_starved();
      } else {
        --parked_;
      }
    }
    wake_.notify_one();
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
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::size_t alive_ = 0;   // threads whose loop runs
  std::size_t idle_ = 0;    // of them, waiting for a job
  std::size_t parked_ = 0;  // of them, inside a Parked wait
  std::size_t started_ = 0;
  std::list<Thread> threads_;  // (a list: each thread keeps a reference to its entry)
};

}  // namespace compss::net
