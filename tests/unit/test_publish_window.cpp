// net::PublishWindow (runtime/net/publish_window.hpp): how a producer's window of
// unanswered elements follows the round trips of its publish calls, on a fake clock
// (times and round trips are given, not measured).
#include "net/publish_window.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
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
  /// (One fast answer first: slow is measured against the least recent round trip.)
  explicit Fixture(std::size_t ceiling, microseconds d = delay) : w(ceiling, d) { round_trip(fast); }
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

TEST(PublishWindow, AnAnswerWithinTheDelayAboveTheLeastRoundTripIsNotSlow) {
  Fixture f(256);
  f.round_trip(fast + delay);
  EXPECT_EQ(f.w.elements(), 256u);
  f.round_trip(fast + delay + microseconds(1));
  EXPECT_EQ(f.w.elements(), 128u);
}

TEST(PublishWindow, ALongSteadyRoundTripNeverCutsItAStallAboveItCutsOnce) {
  // Across hosts every answer pays the network's round trip (5 ms here): not a stall.
  PublishWindow w(256, delay);
  PublishWindow::Time now{std::chrono::seconds(100)};
  const microseconds base{5000};
  auto round_trip = [&](microseconds rtt) {
    const std::uint64_t c = w.sent();
    now += rtt;
    return w.answered(c, rtt, now);
  };
  for (int i = 0; i < 2000; ++i) {  // (10 s: several spans of the minimum)
    ASSERT_FALSE(round_trip(base + microseconds(i % 3 * 300))) << i;
  }
  EXPECT_EQ(w.elements(), 256u);
  // A stall above base + delay: one cut, for every call it delayed.
  std::vector<std::uint64_t> calls;
  for (int i = 0; i < 4; ++i) calls.push_back(w.sent());
  now += base + slow;
  int cuts = 0;
  for (std::uint64_t c : calls) cuts += w.answered(c, base + slow, now) ? 1 : 0;
  EXPECT_EQ(cuts, 1);
  EXPECT_EQ(w.elements(), 128u);
}

TEST(PublishWindow, TheLeastRoundTripFollowsARouteChange) {
  Fixture f(256);  // (200 µs round trips)
  for (int i = 0; i < 10; ++i) f.round_trip(fast, microseconds(100));
  // The route now takes 20 ms: slow at first (against 200 µs), then the new minimum once
  // the old one is over 2 spans old; then the window grows back, no longer cut.
  int cuts_late = 0;
  const auto start = f.now;
  while (f.now - start < 3 * PublishWindow::minimum_span) {
    const std::uint64_t c = f.w.sent();
    f.now += milliseconds(20);
    const bool cut = f.w.answered(c, milliseconds(20), f.now);
    if (f.now - start > 2 * PublishWindow::minimum_span) cuts_late += cut ? 1 : 0;
  }
  EXPECT_EQ(cuts_late, 0);
  EXPECT_EQ(f.w.elements(), 256u);
}

TEST(PublishWindow, AStreamThatStaysFullDoesNotPinItAtItsFloor) {
  // Every answer waits for a steady consumer (a full stream): 3-3.6 ms each, for seconds.
  // (Answers that vary by more than the delay still cut it: there the consumers set the
  // rate, and the window's size costs nothing.)
  Fixture f(256);
  for (int i = 0; i < 1500; ++i) f.round_trip(microseconds(3000 + i % 3 * 300));
  EXPECT_EQ(f.w.elements(), 256u);
}

TEST(PublishWindow, ACallOfAReplacedWindowDoesNotCutItsReplacement) {
  PublishWindow old(256, delay);
  PublishWindow::Time now{std::chrono::seconds(100)};
  const std::uint64_t warm = old.sent();
  now += fast;
  old.answered(warm, fast, now);
  std::vector<std::uint64_t> calls;
  for (int i = 0; i < 4; ++i) calls.push_back(old.sent());
  now += slow;
  old.answered(calls[0], slow, now);  // (one stall: one cut)
  EXPECT_EQ(old.elements(), 128u);
  PublishWindow replacement(256, delay, old.next_call());
  const std::uint64_t c = replacement.sent();
  EXPECT_EQ(c, old.next_call());
  now += fast;
  replacement.answered(c, fast, now);
  // The old window's calls delayed by the same stall: not a new stall.
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_FALSE(replacement.answered(calls[i], slow, now));
  EXPECT_EQ(replacement.elements(), 256u);
}

TEST(PublishWindow, ACeilingOfSizeMaxIsGivenExactlyAndHalvesWithoutOverflow) {
  Fixture f(std::numeric_limits<std::size_t>::max());
  EXPECT_EQ(f.w.elements(), std::numeric_limits<std::size_t>::max());
  f.round_trip(slow);
  EXPECT_EQ(f.w.elements(), std::size_t{1} << 63);
  f.round_trip(fast, microseconds(milliseconds(500)));
  EXPECT_EQ(f.w.elements(), std::numeric_limits<std::size_t>::max());
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
