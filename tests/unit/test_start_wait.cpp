// The master's wait for its workers at start (runtime/net/start_wait.hpp): workers
// compss-run reports as ended are not waited for.
#include "net/start_wait.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

using compss::net::StartWait;
using namespace std::chrono_literals;

namespace {

/// A pipe standing in for compss-run's: the test writes, StartWait reads (and closes).
struct ExitsPipe {
  int read_end = -1, write_end = -1;
  ExitsPipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~ExitsPipe() { ::close(write_end); }
  void write(const std::string& text) const {
    EXPECT_EQ(::write(write_end, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
};

}  // namespace

TEST(StartWait, AWorkerReportedEndedIsNotWaitedFor) {
  ExitsPipe pipe;
  StartWait wait(2, 3600s, pipe.read_end, false);
  EXPECT_TRUE(wait.waiting());
  EXPECT_LE(wait.next_slice(), 100ms);  // reports are read between short accepts
  wait.connected("w1");
  EXPECT_TRUE(wait.waiting());
  pipe.write("ended w");  // a line arrives in pieces
  EXPECT_TRUE(wait.waiting());
  pipe.write("2\n");
  EXPECT_FALSE(wait.waiting());
  EXPECT_EQ(wait.missing(), 1u);
  EXPECT_EQ(wait.report(), "1 of 2 worker(s) missing (1 ended before connecting: w2)");
}

TEST(StartWait, AWorkerThatEndedAfterConnectingDoesNotShortenTheWait) {
  ExitsPipe pipe;
  StartWait wait(2, 3600s, pipe.read_end, false);
  wait.connected("w1");
  pipe.write("ended w1\n");
  EXPECT_TRUE(wait.waiting());  // w2 may still come
  // Two workers of one name: one end, one arrival: the other may still come.
  StartWait same(2, 3600s, -1, false);
  same.connected("n");
  EXPECT_TRUE(same.waiting());
}

TEST(StartWait, EveryWorkerEndedMeansNoWait) {
  ExitsPipe pipe;
  StartWait wait(2, 3600s, pipe.read_end, false);
  pipe.write("ended a\nended b\n");
  EXPECT_FALSE(wait.waiting());
  EXPECT_EQ(wait.missing(), 2u);
  EXPECT_EQ(wait.report(), "2 of 2 worker(s) missing (2 ended before connecting: a, b)");
}

TEST(StartWait, RequiredWorkersStopTheWaitAtTheFirstLoss) {
  ExitsPipe pipe;
  StartWait wait(3, 3600s, pipe.read_end, true);
  pipe.write("ended b\n");
  EXPECT_FALSE(wait.waiting());
  EXPECT_EQ(wait.report(),
            "3 of 3 worker(s) missing (1 ended before connecting: b; 2 not waited for)");
}

TEST(StartWait, WithoutReportsTheTimeOutEndsTheWait) {
  StartWait wait(1, 0s, -1, false);
  EXPECT_FALSE(wait.waiting());
  EXPECT_EQ(wait.report(), "1 of 1 worker(s) missing (1 did not connect within 0 s)");
  StartWait none(0, 3600s, -1, false);
  EXPECT_FALSE(none.waiting());
  EXPECT_EQ(none.missing(), 0u);
}

TEST(StartWait, ClosesTheReadEnd) {
  ExitsPipe pipe;
  { StartWait wait(1, 3600s, pipe.read_end, false); }
  EXPECT_EQ(::fcntl(pipe.read_end, F_GETFD), -1);  // (no other descriptor opened meanwhile)
}
