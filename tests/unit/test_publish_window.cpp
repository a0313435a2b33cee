// net::PublishWindow (runtime/net/publish_window.hpp): how a producer's window of
// unanswered elements follows the round trips of its publish calls, on a fake clock
// (round trips are given, not measured).
#include "net/publish_window.hpp"

#include <gtest/gtest.h>

#include <vector>

using compss::net::PublishWindow;
using std::chrono::microseconds;

namespace {
constexpr microseconds delay{1000};
constexpr microseconds fast{200};
constexpr microseconds slow{8000};

/// Sends one call and answers it after `rtt`.
void round_trip(PublishWindow& w, microseconds rtt) { w.answered(w.sent(), rtt); }
}  // namespace

TEST(PublishWindow, StartsAtItsCeilingAndFastAnswersKeepItThere) {
  PublishWindow w(256, delay);
  EXPECT_EQ(w.elements(), 256u);
  for (int i = 0; i < 100; ++i) round_trip(w, fast);
  EXPECT_EQ(w.elements(), 256u);
}

TEST(PublishWindow, ASlowAnswerHalvesItOncePerStall) {
  PublishWindow w(256, delay);
  // Four calls in flight, all delayed by the same stall: one cut, not four.
  std::vector<std::uint64_t> calls;
  for (int i = 0; i < 4; ++i) calls.push_back(w.sent());
  for (std::uint64_t c : calls) w.answered(c, slow);
  EXPECT_EQ(w.elements(), 128u);
  // A call sent after the cut and slow again: a new stall, a new cut.
  round_trip(w, slow);
  EXPECT_EQ(w.elements(), 64u);
}

TEST(PublishWindow, ShrinksToItsFloorThenGrowsBackToItsCeiling) {
  PublishWindow w(256, delay);
  for (int i = 0; i < 20; ++i) round_trip(w, slow);
  EXPECT_EQ(w.elements(), PublishWindow::default_floor);
  std::size_t before = w.elements();
  round_trip(w, fast);  // an eighth more
  EXPECT_EQ(w.elements(), before + before / 8);
  int answers = 0;
  while (w.elements() < 256 && answers < 100) {
    round_trip(w, fast);
    ++answers;
  }
  EXPECT_EQ(w.elements(), 256u);
  EXPECT_LT(answers, 20);  // (back within a few round trips: 12% per answer)
}

TEST(PublishWindow, AnAnswerWithinTheDelayIsFast) {
  PublishWindow w(256, delay);
  round_trip(w, slow);
  round_trip(w, delay);
  EXPECT_EQ(w.elements(), 128u + 16u);
}

TEST(PublishWindow, ZeroDelayKeepsTheCeiling) {
  PublishWindow w(256, microseconds(0));
  for (int i = 0; i < 10; ++i) round_trip(w, slow);
  EXPECT_EQ(w.elements(), 256u);
}

TEST(PublishWindow, ACeilingBelowTheFloorStaysFixed) {
  PublishWindow small(3, delay);
  for (int i = 0; i < 10; ++i) round_trip(small, slow);
  EXPECT_EQ(small.elements(), 3u);
  round_trip(small, fast);
  EXPECT_EQ(small.elements(), 3u);
  PublishWindow none(0, delay);  // (every publish waits for its answer)
  round_trip(none, slow);
  round_trip(none, fast);
  EXPECT_EQ(none.elements(), 0u);
}
