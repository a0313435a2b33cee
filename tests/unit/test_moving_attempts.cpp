// MovingAttempts (runtime/net/master/remote_attempt.hpp): the attempts that left their node
// (a retry, a lost worker, a missing input's pause) until the scheduler places their task
// again. Task handles are only addresses here: no task runs.
#include "net/master/remote_attempt.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using compss::net::MovingAttempts;
using compss::net::RemoteAttempt;

/// A distinct task handle (never dereferenced).
const compss::detail::TaskBase* task(int i) {
  static char storage[64];
  return reinterpret_cast<const compss::detail::TaskBase*>(&storage[i]);
}

TEST(MovingAttempts, ATaskWithNoneParkedIsAFirstPlacement) {
  MovingAttempts moving;
  EXPECT_EQ(moving.take(task(1)), nullptr);
  EXPECT_EQ(moving.size(), 0u);
}

TEST(MovingAttempts, AParkedAttemptIsTakenOnceWithItsHistory) {
  MovingAttempts moving;
  auto a = std::make_shared<RemoteAttempt>();
  a->node = 2;
  a->history.avoid = 2;
  a->history.killed_workers.push_back("worker 2 (w): EOF");
  moving.park(task(1), a);
  EXPECT_EQ(moving.take(task(2)), nullptr);  // another task's placement
  EXPECT_EQ(moving.size(), 1u);
  std::shared_ptr<RemoteAttempt> got = moving.take(task(1));
  ASSERT_EQ(got, a);
  EXPECT_EQ(got->history.avoid, 2);
  EXPECT_EQ(got->history.killed_workers.size(), 1u);
  EXPECT_EQ(moving.take(task(1)), nullptr);
  EXPECT_EQ(moving.size(), 0u);
}

TEST(MovingAttempts, ParkingAgainReplacesTheTasksAttempt) {
  MovingAttempts moving;
  auto first = std::make_shared<RemoteAttempt>();
  auto second = std::make_shared<RemoteAttempt>();
  moving.park(task(3), first);
  moving.park(task(3), second);
  EXPECT_EQ(moving.size(), 1u);
  EXPECT_EQ(moving.take(task(3)), second);
  EXPECT_EQ(moving.size(), 0u);
}

TEST(MovingAttempts, ThreadsParkingAndTakingTheirOwnTasksEachGetTheirs) {
  MovingAttempts moving;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 2000; ++round) {
        auto a = std::make_shared<RemoteAttempt>();
        a->node = i;
        moving.park(task(i), a);
        if (moving.take(task(i)) != a) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(moving.size(), 0u);
}

}  // namespace
