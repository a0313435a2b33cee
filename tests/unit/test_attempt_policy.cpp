// AttemptPolicy (runtime/net/master/attempt_policy.hpp): what the master's dispatch does
// with a worker's answer to one attempt, and the history an attempt carries between its
// placements. Over made-up answers (CallResult): no worker, no Cluster.
#include "net/master/attempt_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using compss::net::AnswerStep;
using compss::net::AttemptHistory;
using compss::net::AttemptPolicy;
using compss::net::CallResult;
using Kind = AnswerStep::Kind;

CallResult done() {
  CallResult r;
  r.status = CallResult::Status::done;
  return r;
}

CallResult failed(const std::string& type, const std::string& message = "boom") {
  CallResult r;
  r.status = CallResult::Status::failed;
  r.failed.exception_type = type;
  r.failed.message = message;
  return r;
}

CallResult lost(bool was_running, const std::string& why = "connection reset") {
  CallResult r;
  r.status = CallResult::Status::lost;
  r.was_running = was_running;
  r.why = why;
  return r;
}

AttemptPolicy::From from(int node, bool retry = false, bool in_group = false, bool alive = false) {
  return {node, "host-" + std::to_string(node), retry, in_group, alive};
}

TEST(AttemptPolicy, ADoneAnswerRecordsItsOutputsAndLeavesTheHistoryAlone) {
  AttemptPolicy policy;
  AttemptHistory h;
  EXPECT_EQ(policy.on_answer(h, done(), from(1)).kind, Kind::record_outputs);
  EXPECT_EQ(h.avoid, -1);
  EXPECT_EQ(h.missing_tries, 0);
  EXPECT_TRUE(h.killed_workers.empty());
}

TEST(AttemptPolicy, AFailureNamesItsWorkerAndAvoidsItOnlyWhenThePolicyRetries) {
  AttemptPolicy policy;
  AttemptHistory fail_policy;
  AnswerStep s = policy.on_answer(fail_policy, failed("std::runtime_error", "bad input"), from(2));
  EXPECT_EQ(s.kind, Kind::fail);
  EXPECT_EQ(s.error.type, "std::runtime_error");
  EXPECT_EQ(s.error.message, "bad input");
  EXPECT_EQ(s.error.where, "host-2");
  EXPECT_EQ(fail_policy.avoid, -1);

  AttemptHistory retry_policy;
  EXPECT_EQ(policy.on_answer(retry_policy, failed("std::runtime_error"), from(2, /*retry=*/true)).kind,
            Kind::fail);
  EXPECT_EQ(retry_policy.avoid, 2);  // its retry goes elsewhere when it can
}

TEST(AttemptPolicy, ACompssExceptionCancelsTheGroupOnlyInAGroup) {
  AttemptPolicy policy;
  AttemptHistory h;
  EXPECT_EQ(policy.on_answer(h, failed("compss::Exception"), from(1, false, /*in_group=*/true)).kind,
            Kind::fail_group);
  EXPECT_EQ(policy.on_answer(h, failed("compss::Exception"), from(1, false, false)).kind, Kind::fail);
  EXPECT_EQ(policy.on_answer(h, failed("std::logic_error"), from(1, false, true)).kind, Kind::fail);
}

TEST(AttemptPolicy, AMissingInputIsResentAfterGrowingPausesUpToTheLimit) {
  AttemptPolicy policy({.max_missing_tries = 3});
  AttemptHistory h;
  for (int i = 0; i < 3; ++i) {
    AnswerStep s = policy.on_answer(h, failed("compss::DataMissing"), from(1));
    ASSERT_EQ(s.kind, Kind::resend_after_pause) << "answer " << i;
    EXPECT_EQ(s.pause, AttemptPolicy::missing_pause(i));
    EXPECT_TRUE(h.keep_missing_tries);
    policy.placed_again(h);  // the end of the pause: the count goes on
  }
  EXPECT_EQ(h.missing_tries, 3);
  AnswerStep last = policy.on_answer(h, failed("compss::DataMissing", "x gone"), from(1));
  EXPECT_EQ(last.kind, Kind::fail);  // then its policy decides, as for any failure
  EXPECT_EQ(last.error.type, "compss::DataMissing");
  EXPECT_EQ(AttemptPolicy::missing_pause(0).count(), 20);
  EXPECT_EQ(AttemptPolicy::missing_pause(9).count(), 200);
  EXPECT_EQ(AttemptPolicy::missing_pause(10).count(), 20);  // starts over
}

TEST(AttemptPolicy, APlacementAfterAnythingButAMissingInputPauseStartsTheCountOver) {
  AttemptPolicy policy({.max_missing_tries = 2});
  AttemptHistory h;
  policy.on_answer(h, failed("compss::DataMissing"), from(1));
  policy.on_answer(h, failed("compss::DataMissing"), from(1));
  policy.placed_again(h);  // (the pause's own placement: kept)
  EXPECT_EQ(h.missing_tries, 2);
  policy.placed_again(h);  // placed again for another reason (a retry, a lost worker)
  EXPECT_EQ(h.missing_tries, 0);
  EXPECT_EQ(policy.on_answer(h, failed("compss::DataMissing"), from(1)).kind, Kind::resend_after_pause);
}

TEST(AttemptPolicy, ALostWorkerPlacesTheAttemptElsewhereWithoutAFailure) {
  AttemptPolicy policy;
  AttemptHistory h;
  AnswerStep s = policy.on_answer(h, lost(/*was_running=*/false), from(3));
  EXPECT_EQ(s.kind, Kind::place_elsewhere);
  EXPECT_EQ(s.avoid, 3);
  EXPECT_EQ(s.pause.count(), 0);
  EXPECT_TRUE(h.killed_workers.empty());  // it only waited in that worker's queue
  // A send that failed before the link saw the end waits until it has.
  AnswerStep early = policy.on_answer(h, lost(false), from(3, false, false, /*alive=*/true));
  EXPECT_EQ(early.kind, Kind::place_elsewhere);
  EXPECT_EQ(early.pause, policy.limits().lost_notice_pause);
}

TEST(AttemptPolicy, ATaskWhoseWorkersDieUnderItFailsForGoodNamingThem) {
  AttemptPolicy policy;  // (two deaths)
  AttemptHistory h;
  EXPECT_EQ(policy.on_answer(h, lost(true, "killed by signal 9"), from(1)).kind, Kind::place_elsewhere);
  EXPECT_EQ(policy.on_answer(h, lost(false), from(3)).kind, Kind::place_elsewhere);  // (not counted)
  AnswerStep s = policy.on_answer(h, lost(true, "EOF"), from(2));
  ASSERT_EQ(s.kind, Kind::fail_not_retried);
  EXPECT_EQ(s.error.type, "compss::WorkerLost");
  EXPECT_EQ(s.error.where, "worker 1 (host-1): killed by signal 9; worker 2 (host-2): EOF");
  EXPECT_NE(s.error.message.find("2 times"), std::string::npos) << s.error.message;
}

TEST(AttemptPolicy, AReplicaIsResentOnlyForAMissingInputBelowTheLimit) {
  AttemptPolicy policy({.max_missing_tries = 2});
  EXPECT_TRUE(policy.resend_replica("compss::DataMissing", 0));
  EXPECT_TRUE(policy.resend_replica("compss::DataMissing", 1));
  EXPECT_FALSE(policy.resend_replica("compss::DataMissing", 2));
  EXPECT_FALSE(policy.resend_replica("std::runtime_error", 0));
}

}  // namespace
