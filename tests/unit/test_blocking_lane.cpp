// BlockingLane (net/blocking_lane.hpp): the master's lane for jobs that wait on the
// network. A job parked in a wait that other jobs must end (a remake waiting for the
// resources a call queued behind it holds) never starves those jobs: the lane grows.
#include "net/blocking_lane.hpp"

#include "no_new_threads.hpp"

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

namespace {
/// Polls `done` until it holds or 20 s passed (a condition, not a pause).
template <class F>
bool eventually(F&& done) {
  for (auto deadline = std::chrono::steady_clock::now() + 20s; !done();) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}
}  // namespace

// The lane adds at most its cap of threads for parked waits (a loss read by thousands of
// tasks parks thousands of waits), says so once on stderr, and the jobs beyond the cap
// run when parked ones end. Before, every parked wait with a job queued behind it started
// one more thread: here 4 for 4 parked jobs.
TEST(BlockingLane, ThreadsAddedForParkedWaitsAreCapped) {
  testing::internal::CaptureStderr();
  std::string said;
  {
    BlockingLane lane(1, /*max_extra=*/2);
    Gate freed;
    std::atomic<int> parked{0}, ended{0};
    auto parks = [&] {
      BlockingLane::Parked p;
      ++parked;
      freed.wait(20s);
      ++ended;
    };
    for (int i = 0; i < 5; ++i) lane.post(parks);
    // Three parked (1 + the cap of 2): each park, or post, decided at once whether to grow.
    ASSERT_TRUE(eventually([&] { return parked.load() >= 3; }));
    EXPECT_EQ(lane.threads_started(), 3U) << "the lane grew past its cap";
    EXPECT_EQ(parked.load(), 3);
    freed.set();
    lane.stop();
    EXPECT_EQ(ended.load(), 5);  // the two beyond the cap ran once threads were free
    EXPECT_LE(lane.threads_started(), 5U);
  }
  said = testing::internal::GetCapturedStderr();
  const std::string warning = "reached its cap of 2 added threads";
  ASSERT_NE(said.find(warning), std::string::npos) << said;
  EXPECT_EQ(said.find(warning, said.find(warning) + 1), std::string::npos) << "warned more than once: " << said;
}

// A thread the system refuses (std::system_error from std::thread) is not counted and not
// kept: the parked job's wait and the lane go on with the threads it has, and the lane
// grows again once threads can be made. Before, the exception left Parked's constructor
// inside the job (std::terminate), and a counted thread that never ran was joined at stop.
TEST(BlockingLane, AThreadTheSystemRefusesIsNotCountedAndTheLaneGoesOn) {
  BlockingLane lane(1);
  testing::internal::CaptureStderr();
  std::atomic<bool> queued_ran{false}, waited{false};
  {
    NoNewThreads refuse;
    Gate freed;
    lane.post([&] {
      BlockingLane::Parked parked;  // cannot grow: the queued job runs after this one
      freed.wait(200ms);
      waited = true;
    });
    lane.post([&] { queued_ran = true; freed.set(); });
    ASSERT_TRUE(eventually([&] { return queued_ran.load(); }));
    EXPECT_TRUE(waited.load());  // (it ran on the one thread, after the parked job)
    EXPECT_GE(NoNewThreads::refused(), 1);
    EXPECT_EQ(lane.threads_started(), 1U);
    EXPECT_EQ(lane.threads_running(), 1U);
  }
  const std::string said = testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("could not start a thread"), std::string::npos) << said;
  // Threads can be made again: a parked wait gets its thread.
  Gate freed;
  std::atomic<bool> freed_in_time{false};
  lane.post([&] {
    BlockingLane::Parked parked;
    freed_in_time = freed.wait(20s);
  });
  lane.post([&] { freed.set(); });
  lane.stop();
  EXPECT_TRUE(freed_in_time.load());
  EXPECT_EQ(lane.threads_started(), 2U);
  EXPECT_EQ(lane.threads_running(), 0U);
}

// A lane made when the system refuses some of its threads runs with the others; with
// none, its constructor says why (the std::system_error).
TEST(BlockingLane, ALaneStartsWithTheThreadsTheSystemGives) {
  testing::internal::CaptureStderr();
  {
    NoNewThreads refuse(/*allowed=*/1);
    BlockingLane lane(2);
    EXPECT_EQ(lane.threads_started(), 1U);
    std::atomic<bool> ran{false};
    lane.post([&] { ran = true; });
    lane.stop();
    EXPECT_TRUE(ran.load());
  }
  testing::internal::GetCapturedStderr();
  NoNewThreads refuse;
  EXPECT_THROW(BlockingLane(2), std::system_error);
}

// A job that parks while the lane stops, waiting for a job queued behind it, still gets
// a thread for that job: stop() runs the jobs queued. Before, the lane never grew once
// stopping (stop() hung: the parked job waited for a job no thread would take; bounded
// here by the job's 10 s).
TEST(BlockingLane, AJobParkedWhileTheLaneStopsStillGetsTheJobsQueuedBehindIt) {
  BlockingLane lane(1);
  Gate freed;
  std::atomic<bool> freed_in_time{false};
  lane.post([&] {
    eventually([&] { return lane.stopping(); });  // (parks only once stop() was called)
    BlockingLane::Parked parked;
    freed_in_time = freed.wait(10s);
  });
  lane.post([&] { freed.set(); });  // queued while the one thread runs the first job
  lane.stop();
  EXPECT_TRUE(freed_in_time.load()) << "the job queued behind the parked one ran only after its wait gave up";
}

// A job queued while the lane's free thread had not yet taken the one before it gets a
// thread of its own when that thread takes the first one (the lane's `threads` take jobs
// while others are parked). Before, the growth was checked only when a job was queued or
// a wait parked: the second job waited for the first one (at most 10 s here). (The race
// is the posting's: without the check it fails in most rounds.)
TEST(BlockingLane, AJobTakenWhileOthersAreQueuedLetsTheLaneGrow) {
  for (int round = 0; round < 10; ++round) {
    BlockingLane lane(2);
    Gate parked_release, second_ran;
    std::atomic<bool> parked_in{false}, first_done{false}, first_saw_second{false};
    lane.post([&] {  // one of the 2 threads parked for the round
      BlockingLane::Parked parked;
      parked_in = true;
      parked_release.wait(60s);
    });
    ASSERT_TRUE(eventually([&] { return parked_in.load(); }));
    lane.post([&] {  // an unparked wait, for the job queued next
      first_saw_second = second_ran.wait(10s);
      first_done = true;
    });
    lane.post([&] { second_ran.set(); });
    EXPECT_TRUE(eventually([&] { return first_done.load(); }));
    parked_release.set();
    lane.stop();
    ASSERT_TRUE(first_saw_second.load()) << "round " << round << ": the second job waited behind the first";
  }
}
