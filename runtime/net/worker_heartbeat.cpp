#include "net/worker_heartbeat.hpp"

#include <algorithm>

namespace compss::net {

using std::chrono::milliseconds;

WorkerHeartbeat::WorkerHeartbeat(Endpoint& master)
    : master_(master), last_beat_(Clock::now().time_since_epoch().count()) {
  thread_ = std::thread([this] { run(); });
}

WorkerHeartbeat::~WorkerHeartbeat() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WorkerHeartbeat::set_timeout(milliseconds timeout) {
  {
    // Under the mutex: the heartbeat thread, between two waits, cannot miss the wake-up
    // and sleep out the old pace, which would count as a pause against the new time-out.
    std::lock_guard lock(mutex_);
    timeout_.store(std::max(timeout, milliseconds(0)));
    last_beat_.store(Clock::now().time_since_epoch().count());
    retimed_ = true;
  }
  wake_.notify_all();  // the next beat now, then at the new pace
}

WorkerHeartbeat::Clock::duration WorkerHeartbeat::fence_after() const noexcept {
  // Well before the master's time-out runs out: the master stops waiting at `timeout`
  // after the last heartbeat it read, which is at most a beat and a delivery older.
  return timeout_.load() * 3 / 4;
}

bool WorkerHeartbeat::fenced() noexcept {
  if (fenced_.load()) return true;
  if (timeout_.load().count() == 0 || sending_.load()) return false;
  const Clock::duration gap =
      Clock::now() - Clock::time_point(Clock::duration(last_beat_.load()));
  if (gap < fence_after()) return false;
  fence(gap);
  return true;
}

void WorkerHeartbeat::fence(Clock::duration gap) noexcept {
  if (fenced_.exchange(true)) return;
  pause_.store(std::chrono::duration_cast<milliseconds>(gap));
  master_.close();  // the task threads waiting for requests see the end
}

void WorkerHeartbeat::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const milliseconds timeout = timeout_.load();
    // A fifth of the time-out: four beats may be late or lost before the master worries.
    const milliseconds pace = timeout.count() == 0
        ? milliseconds(250)
        : std::clamp(timeout / 5, milliseconds(5), milliseconds(1000));
    wake_.wait_for(lock, pace, [&] { return stop_ || retimed_; });
    retimed_ = false;
    if (stop_ || fenced_.load()) break;
    const Clock::time_point now = Clock::now();
    if (timeout_.load().count() == 0) {  // the master never declares it lost
      last_beat_.store(now.time_since_epoch().count());
      continue;
    }
    // The time since the last beat, its send excluded (a send may wait while a task
    // thread writes a large answer: the master hears those bytes).
    const Clock::duration gap = now - Clock::time_point(Clock::duration(last_beat_.load()));
    if (gap >= fence_after()) {
      fence(gap);
      break;
    }
    sending_.store(true);
    lock.unlock();
    master_.send(Heartbeat{});
    lock.lock();
    last_beat_.store(Clock::now().time_since_epoch().count());
    sending_.store(false);
  }
}

}  // namespace compss::net
