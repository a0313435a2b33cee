// net::PublishWindow (runtime/net/publish_window.hpp): how a producer's window of
// unanswered elements follows the round trips of its publish calls, on a fake clock
// (times and round trips are given, not measured).
#include "net/publish_window.hpp"

#include <gtest/gtest.h>

#include <vector>

using compss::net::PublishWindow;
using std::chrono::microseconds;
using std::chrono::milliseconds;

namespace {
constexpr microseconds delay{1000};
constexpr microseconds fast{200};
constexpr microseconds slow{8000};

/// A window and its fake clock.
struct Fixture {
  PublishWindow w;
  PublishWindow::Time now{std::chrono::seconds(100)};
  explicit Fixture(std::size_t ceiling, microseconds d = delay) : w(ceiling, d) {}
  /// Sends one call, `gap` after the last answer, and answers it after `rtt`.
  void round_trip(microseconds rtt, microseconds gap = microseconds(0)) {
    now += gap;
    const std::uint64_t c = w.sent();
    now += rtt;
    w.answered(c, rtt, now);
  }
};
}  // namespace

TEST(PublishWindow, StartsAtItsCeilingAndFastAnswersKeepItThereUntilASlowOne) {
  Fixture f(256);
  EXPECT_EQ(f.w.elements(), 256u);
  for (int i = 0; i < 100; ++i) f.round_trip(fast, microseconds(100));
  EXPECT_EQ(f.w.elements(), 256u);
  f.round_trip(slow);
  EXPECT_EQ(f.w.elements(), 128u);
}

TEST(PublishWindow, ASlowAnswerHalvesItOncePerStall) {
  Fixture f(256);
  // Four calls in flight, all delayed by the same stall: one cut, not four.
  std::vector<std::uint64_t> calls;
  for (int i = 0; i < 4; ++i) calls.push_back(f.w.sent());
  f.now += slow;
  for (std::uint64_t c : calls) f.w.answered(c, slow, f.now);
  EXPECT_EQ(f.w.elements(), 128u);
  // A call sent after the cut and slow again: a new stall, a new cut.
  f.round_trip(slow);
  EXPECT_EQ(f.w.elements(), 64u);
}

TEST(PublishWindow, ShrinksToItsFloorThenGrowsBackWithTimeNotWithAnswers) {
  Fixture f(256);
  for (int i = 0; i < 20; ++i) f.round_trip(slow);
  EXPECT_EQ(f.w.elements(), PublishWindow::default_floor);
  // Many fast answers within a few ms: the window grows by those ms only (a stall on a
  // loaded machine is followed by others: a window regrown at once would meet them full).
  for (int i = 0; i < 100; ++i) f.round_trip(microseconds(50));
  EXPECT_LE(f.w.elements(), PublishWindow::default_floor + 10);  // 5 ms of 250: +4.5
  EXPECT_GT(f.w.elements(), PublishWindow::default_floor);
  // Half the recovery time later: about half way to the ceiling.
  f.round_trip(fast, std::chrono::duration_cast<microseconds>(PublishWindow::recovery) / 2);
  EXPECT_NEAR(static_cast<double>(f.w.elements()), 32 + 4.5 + 112, 3);
  // A whole recovery time without a slow answer: back at the ceiling, not beyond.
  f.round_trip(fast, std::chrono::duration_cast<microseconds>(PublishWindow::recovery));
  EXPECT_EQ(f.w.elements(), 256u);
}

TEST(PublishWindow, AnAnswerWithinTheDelayIsNotSlow) {
  Fixture f(256);
  f.round_trip(delay);
  EXPECT_EQ(f.w.elements(), 256u);
  f.round_trip(delay + microseconds(1));
  EXPECT_EQ(f.w.elements(), 128u);
}

TEST(PublishWindow, ZeroDelayKeepsTheCeilingWhereADelayWouldCutIt) {
  Fixture fixed(256, microseconds(0)), adaptive(256);
  for (int i = 0; i < 10; ++i) {
    fixed.round_trip(slow);
    adaptive.round_trip(slow);
  }
  EXPECT_EQ(fixed.w.elements(), 256u);
  EXPECT_EQ(adaptive.w.elements(), PublishWindow::default_floor);
}

TEST(PublishWindow, ACeilingBelowTheFloorStaysFixed) {
  Fixture small(3), above(40);
  for (int i = 0; i < 10; ++i) {
    small.round_trip(slow);
    above.round_trip(slow);
  }
  EXPECT_EQ(small.w.elements(), 3u);
  EXPECT_EQ(above.w.elements(), PublishWindow::default_floor);  // (40 is cut to the floor)
  small.round_trip(fast, microseconds(milliseconds(500)));
  EXPECT_EQ(small.w.elements(), 3u);
  Fixture none(0);  // (every publish waits for its answer)
  none.round_trip(slow);
  none.round_trip(fast, microseconds(milliseconds(500)));
  EXPECT_EQ(none.w.elements(), 0u);
}
