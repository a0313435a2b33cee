// BlockingLane (net/blocking_lane.hpp): the master's lane for jobs that wait on the
// network. A job parked in a wait that other jobs must end (a remake waiting for the
// resources a call queued behind it holds) never starves those jobs: the lane grows.
#include "net/blocking_lane.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using compss::net::BlockingLane;
using namespace std::chrono_literals;

namespace {
/// A flag jobs wait for with a deadline (a starved lane then fails the test, never hangs).
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  void set() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    changed.notify_all();
  }
  bool wait(std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, [&] { return open; });
  }
};
}  // namespace

// Both threads of a 2-thread lane wait (parked) for a job queued behind them: it runs on a
// thread the lane starts for it, and their waits end. (Without the growth the queued job
// waited until the parked ones gave up: the remakes of lost data starved by the calls
// queued behind them that hold the nodes they wait for.)
TEST(BlockingLane, JobsQueuedBehindParkedWaitsStillRun) {
  BlockingLane lane(2);
  Gate freed;  // what the queued job brings about (a node's resources given back)
  std::atomic<int> ended{0};
  std::atomic<bool> waits_ended{true};
  for (int i = 0; i < 2; ++i) {
    lane.post([&] {
      BlockingLane::Parked parked;
      if (!freed.wait(10s)) waits_ended = false;
      ++ended;
    });
  }
  lane.post([&] { freed.set(); });
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       ended.load() < 2 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(ended.load(), 2);
  EXPECT_TRUE(waits_ended.load()) << "the job queued behind the parked waits did not run";
  EXPECT_GE(lane.threads_started(), 3U);
  lane.stop();
}

// A wait that is not parked keeps the lane as it is: jobs run on its threads, in order of
// posting, and no thread is added while they are busy.
TEST(BlockingLane, UnparkedJobsRunOnTheLanesOwnThreads) {
  BlockingLane lane(2);
  Gate release;
  std::atomic<int> ran{0};
  for (int i = 0; i < 2; ++i) lane.post([&] { release.wait(10s); ++ran; });
  lane.post([&] { ++ran; });
  std::this_thread::sleep_for(20ms);  // (the third job waits: nothing asserts on timing here)
  EXPECT_EQ(lane.threads_started(), 2U);
  release.set();
  lane.stop();  // runs what is queued, then joins
  EXPECT_EQ(ran.load(), 3);
}

// The extra threads leave once the parked waits end: many parked waits in turn do not
// leave as many threads behind, and stop() joins every thread started.
TEST(BlockingLane, ExtraThreadsEndWhenNoLongerNeeded) {
  BlockingLane lane(1);
  for (int round = 0; round < 20; ++round) {
    Gate freed;
    std::atomic<bool> done{false}, freed_in_time{false};
    lane.post([&] {
      BlockingLane::Parked parked;
      freed_in_time = freed.wait(5s);
      done = true;
    });
    lane.post([&] { freed.set(); });
    for (auto deadline = std::chrono::steady_clock::now() + 10s;
         !done.load() && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(done.load() && freed_in_time.load()) << "round " << round;
  }
  EXPECT_GE(lane.threads_started(), 2U);  // (an extra one may serve several rounds)
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       lane.threads_running() > 1 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(lane.threads_running(), 1U);
  lane.stop();
  EXPECT_EQ(lane.threads_running(), 0U);
}
