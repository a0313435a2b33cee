// RestartRequests (runtime/net/master/restart_requests.hpp): how the master asks
// compss-run to restart a worker whose task timed out and did not return, and which late
// Hellos it takes back.
#include "net/master/restart_requests.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace {

using compss::net::RestartRequests;

/// Everything readable on `fd` now.
std::string drain(int fd) {
  std::string got;
  char buf[256];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) got.append(buf, static_cast<std::size_t>(n));
  return got;
}

TEST(RestartRequests, WritesOneLinePerRequestAndExpectsThatWorkerBackOnce) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  RestartRequests restarts(fds[1], 8);
  std::string why;
  EXPECT_FALSE(restarts.take_rejoin("localhost-2"));  // not asked for: a late worker
  ASSERT_TRUE(restarts.request("localhost-2", why)) << why;
  EXPECT_EQ(drain(fds[0]), "restart localhost-2\n");
  EXPECT_FALSE(restarts.take_rejoin("localhost-1"));
  EXPECT_TRUE(restarts.take_rejoin("localhost-2"));
  EXPECT_FALSE(restarts.take_rejoin("localhost-2"));  // once per request
  ::close(fds[0]);
}

TEST(RestartRequests, AsksForNewWorkersAndExpectsEachOnceAsAdded) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  RestartRequests restarts(fds[1], 2);
  std::string why;
  EXPECT_FALSE(restarts.take_added("added-1"));  // not asked for
  ASSERT_TRUE(restarts.request_new("added-1", why)) << why;
  EXPECT_EQ(drain(fds[0]), "add added-1\n");
  EXPECT_FALSE(restarts.take_rejoin("added-1"));  // an addition, not a restart
  EXPECT_TRUE(restarts.take_added("added-1"));
  EXPECT_FALSE(restarts.take_added("added-1"));  // once per request
  // Additions and restarts share the limit (the master's node slots).
  ASSERT_TRUE(restarts.request("localhost-1", why)) << why;
  EXPECT_FALSE(restarts.request_new("added-2", why));
  EXPECT_NE(why.find("the limit"), std::string::npos) << why;
  ::close(fds[0]);
}

TEST(RestartRequests, WithoutCompssRunNoWorkerIsAdded) {
  RestartRequests restarts(-1, 8);
  std::string why;
  EXPECT_FALSE(restarts.request_new("added-1", why));
  EXPECT_NE(why.find("not started by compss-run, which alone starts workers"), std::string::npos) << why;
}

TEST(RestartRequests, WithoutCompssRunTheWorkerCannotBeRestarted) {
  RestartRequests restarts(-1, 8);
  std::string why;
  EXPECT_FALSE(restarts.request("node7", why));
  EXPECT_NE(why.find("not started by compss-run"), std::string::npos) << why;
  EXPECT_FALSE(restarts.take_rejoin("node7"));
}

TEST(RestartRequests, StopsAtTheLimit) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  RestartRequests restarts(fds[1], 1);
  std::string why;
  EXPECT_TRUE(restarts.request("a", why));
  EXPECT_FALSE(restarts.request("a", why));
  EXPECT_NE(why.find("the limit"), std::string::npos) << why;
  EXPECT_EQ(drain(fds[0]), "restart a\n");
  ::close(fds[0]);
}

TEST(RestartRequests, CompssRunGoneIsAReasonNotASignal) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  ::close(fds[0]);  // compss-run ended: no SIGPIPE may kill the master
  RestartRequests restarts(fds[1], 8);
  std::string why;
  EXPECT_FALSE(restarts.request("a", why));
  EXPECT_NE(why.find("compss-run could not be asked"), std::string::npos) << why;
  EXPECT_FALSE(restarts.take_rejoin("a"));
}

}  // namespace

// free_resources retires a worker: a restart asked for it just before (its task stuck) is
// not awaited any more, so the restarted process does not join the run again.
TEST(RestartRequests, ARetiredWorkerIsNotAwaitedBack) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  RestartRequests restarts(fds[1], 8);
  std::string why;
  ASSERT_TRUE(restarts.request("localhost-2", why)) << why;
  ASSERT_TRUE(restarts.request("localhost-3", why)) << why;
  restarts.forget_rejoin("localhost-2");
  EXPECT_FALSE(restarts.take_rejoin("localhost-2"));
  EXPECT_TRUE(restarts.take_rejoin("localhost-3"));  // others' restarts are still awaited
  ::close(fds[0]);
}

// free_resources(n) right after request_resources(n): the workers asked for that have not
// joined are the ones given up (most recent first), not live workers.
TEST(RestartRequests, CancelledAdditionsAreNotAwaited) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  RestartRequests restarts(fds[1], 8);
  std::string why;
  for (const char* name : {"added-1", "added-2", "added-3"})
    ASSERT_TRUE(restarts.request_new(name, why)) << why;
  EXPECT_TRUE(restarts.take_added("added-3"));  // joined: not cancelled
  EXPECT_EQ(restarts.cancel_additions(1), 1u);
  EXPECT_FALSE(restarts.take_added("added-2"));  // the most recent one not joined
  EXPECT_EQ(restarts.cancel_additions(5), 1u);  // only added-1 was left
  EXPECT_FALSE(restarts.take_added("added-1"));
  EXPECT_EQ(restarts.cancel_additions(1), 0u);
  ::close(fds[0]);
}
