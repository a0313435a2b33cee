// ClockOffset (runtime/net/clock_offset.hpp): a worker's clock read on the master's, from
// the send and answer times of calls and the worker's times in between.
#include "net/clock_offset.hpp"

#include <gtest/gtest.h>

using compss::net::ClockOffset;

TEST(ClockOffset, EachCallNarrowsTheIntervalAroundTheTrueOffset) {
  // The worker's clock reads 1000 less than the master's.
  ClockOffset o;
  EXPECT_EQ(o.estimate(), 0);
  o.add(/*sent*/ 5000, /*first*/ 4010, /*last*/ 4050, /*answered*/ 5100);  // offset in [990, 1050]
  EXPECT_EQ(o.estimate(), 1020);
  EXPECT_EQ(o.error_bound(), 30);
  o.add(6000, 5002, 5080, 6085);  // [998, 1005]
  EXPECT_EQ(o.estimate(), 1001);
  EXPECT_LE(o.error_bound(), 4);
  // A call whose times fit only a drifted clock starts the interval again.
  o.add(9000, 2000, 2010, 9020);  // [7000, 7010]
  EXPECT_EQ(o.estimate(), 7005);
}

TEST(ClockOffset, ConvertedTimesStayInsideTheirCallAndKeepTheirOrder) {
  ClockOffset o;
  o.add(5000, 4010, 4050, 5100);
  EXPECT_EQ(o.to_master(4020, 5000, 5100), 5040);
  // A time the estimate would put before the send (or after the answer) is clamped.
  EXPECT_EQ(o.to_master(3000, 5000, 5100), 5000);
  EXPECT_EQ(o.to_master(9000, 5000, 5100), 5100);
  EXPECT_LE(o.to_master(4011, 5000, 5100), o.to_master(4012, 5000, 5100));
}

TEST(ClockOffset, InconsistentCallsTeachNothing) {
  ClockOffset o;
  o.add(5000, 100, 10000, 5100);  // the worker's times span more than the call: ignored
  EXPECT_EQ(o.estimate(), 0);
  EXPECT_EQ(o.error_bound(), 0);
}
