// RemoteExecutor (runtime/net/master/remote_executor.hpp): a worker as a node of the
// scheduler. Over a fake channel (net/fake_transport.hpp) the test plays the worker, and a
// fake data plane (RequestData) builds the requests: a request is built only when its
// inputs allow, what the placement decided reaches the worker in it, its answers (and the
// loss of its connection) come back with the request as sent after the data plane heard
// of them, and the look-ahead follows the worker's cores.
#include "net/fake_transport.hpp"
#include "net/master/remote_executor.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

using namespace compss::net;
using namespace std::chrono_literals;

namespace {

/// The data plane's side: builds a request whose signature names the task's node, when
/// `ready` (else it must fetch first), and lists `lost` inputs; records what it is told.
class FakeRequestData final : public RequestData {
 public:
  bool build(compss::detail::TaskBase*, int node, TaskRequest& request, bool may_block) override {
    std::lock_guard lock(mutex_);
    ++builds;
    if (!ready && !may_block) return false;
    request.signature = "built for " + std::to_string(node);
    return true;
  }
  Versions lost_inputs(const compss::detail::TaskBase&) override {
    std::lock_guard lock(mutex_);
    return lost;
  }
  void received(const compss::detail::TaskBase&, int node, const TaskRequest& sent) override {
    std::lock_guard lock(mutex_);
    received_from.push_back(node);
    received_ids.push_back(sent.task_id);
  }
  std::mutex mutex_;
  bool ready = true;
  Versions lost;
  int builds = 0;
  std::vector<int> received_from;
  std::vector<std::uint64_t> received_ids;
};

struct FakeTask final : compss::detail::TaskBase {
  void run() override {}
};

/// One answer, as send_task's callback got it (waited for with a deadline).
class Answer {
 public:
  RemoteAnswer callback() {
    return [this](const SentRequest& sent, CallResult&& r) {
      std::lock_guard lock(mutex_);
      sent_ = sent;
      result_ = std::move(r);
      ++count_;
      cv_.notify_all();
    };
  }
  /// False when none came within 5 s.
  bool wait() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] { return count_ > 0; });
  }
  SentRequest sent_;
  std::optional<CallResult> result_;
  int count_ = 0;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

struct WorkerOnFakeChannel {
  explicit WorkerOnFakeChannel(std::uint32_t cores) : hello{"s", "w1", cores, 1} {}
  Hello hello;
  std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> ends = make_fake_pair();
  Endpoint& worker = *ends.second;
  FakeRequestData data;
  FakeTask task;
  WorkerLink link{1, ends.first, hello, "10.0.0.7", [](int, const std::string&) {}};
  RemoteExecutor executor{link, [](compss::detail::TaskBase*, int, unsigned, unsigned) {}, nullptr, &data};

  /// The next request the worker received (fails the test when none comes within 5 s).
  TaskRequest next_request() {
    Message m;
    EXPECT_FALSE(worker.receive(m, 5s)) << "no request reached the worker";
    auto* r = std::get_if<TaskRequest>(&m);
    EXPECT_NE(r, nullptr);
    return r != nullptr ? *r : TaskRequest{};
  }
};

std::shared_ptr<Message> request(const std::string& signature) {
  return std::make_shared<Message>(TaskRequest{0, signature, {}});
}

TEST(RemoteExecutor, TheRequestCarriesItsPlacementAndTheAnswerComesWithItAsSent) {
  WorkerOnFakeChannel w(4);
  Answer answer;
  RemoteRun run{3, 1, {{"10.0.0.7", 2}, {"10.0.0.8", 1}}, {}};
  w.executor.send_task(w.task, request("sum"), std::move(run), answer.callback());
  const TaskRequest got = w.next_request();
  EXPECT_EQ(got.signature, "sum");  // built so: unchanged
  EXPECT_EQ(got.computing_units, 3u);
  EXPECT_EQ(got.gpus, 1u);
  ASSERT_EQ(got.hosts.size(), 2u);
  EXPECT_EQ(got.hosts[0].name, "10.0.0.7");
  EXPECT_EQ(got.hosts[0].processes, 2u);
  EXPECT_EQ(got.hosts[1].name, "10.0.0.8");
  w.worker.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(answer.wait());
  EXPECT_EQ(answer.result_->status, CallResult::Status::done);
  ASSERT_NE(answer.sent_, nullptr);
  const TaskRequest& sent = std::get<TaskRequest>(*answer.sent_);
  EXPECT_EQ(sent.task_id, got.task_id);  // the request as it went (the lineage keeps it)
  EXPECT_EQ(sent.computing_units, 3u);
  EXPECT_EQ(record_of(answer.sent_).get(), &sent);
}

TEST(RemoteExecutor, AVersionOfItsOwnReplacesTheSignature) {
  WorkerOnFakeChannel w(2);
  Answer answer;
  w.executor.send_task(w.task, request("mul"), {1, 0, {}, "mul_gpu_version"}, answer.callback());
  const TaskRequest got = w.next_request();
  EXPECT_EQ(got.signature, "mul_gpu_version");
  EXPECT_TRUE(got.hosts.empty());
  w.worker.send(TaskFailed{.task_id = got.task_id, .exception_type = "std::runtime_error", .message = "boom"});
  ASSERT_TRUE(answer.wait());
  EXPECT_EQ(answer.result_->status, CallResult::Status::failed);
  EXPECT_EQ(answer.result_->failed.message, "boom");
}

TEST(RemoteExecutor, AWorkerWhoseConnectionEndsAnswersLostAndSaysItWasRunning) {
  WorkerOnFakeChannel w(1);
  Answer answer;
  w.executor.send_task(w.task, request("long"), {}, answer.callback());
  w.next_request();
  w.worker.close();
  ASSERT_TRUE(answer.wait());
  EXPECT_EQ(answer.count_, 1);
  EXPECT_EQ(answer.result_->status, CallResult::Status::lost);
  EXPECT_TRUE(answer.result_->was_running);  // the one request its one core had taken
  EXPECT_NE(answer.sent_, nullptr);
}

TEST(RemoteExecutor, ARequestIsBuiltFromTheDataPlaneAndItHearsOfTheAnswerFirst) {
  WorkerOnFakeChannel w(2);
  BuiltRequest built = w.executor.build_request(&w.task, false, true);
  ASSERT_NE(built.request, nullptr);
  EXPECT_EQ(std::get<TaskRequest>(*built.request).signature, "built for 1");
  std::vector<int> heard_before_answer;
  Answer answer;
  RemoteAnswer check = [&, inner = answer.callback()](const SentRequest& s, CallResult&& r) {
    {
      std::lock_guard lock(w.data.mutex_);
      heard_before_answer = w.data.received_from;
    }
    inner(s, std::move(r));
  };
  w.executor.send_task(w.task, std::move(built.request), {}, check);
  const TaskRequest got = w.next_request();
  EXPECT_EQ(got.signature, "built for 1");
  w.worker.send(TaskDone{got.task_id, {}});
  ASSERT_TRUE(answer.wait());
  EXPECT_EQ(heard_before_answer, std::vector<int>{1});  // (its globals are confirmed there)
  std::lock_guard lock(w.data.mutex_);
  EXPECT_EQ(w.data.received_ids, std::vector<std::uint64_t>{got.task_id});
}

TEST(RemoteExecutor, ALostAnswerIsNotAReceipt) {
  WorkerOnFakeChannel w(1);
  Answer answer;
  w.executor.send_task(w.task, w.executor.build_request(&w.task, true, false).request, {}, answer.callback());
  w.next_request();
  w.worker.close();
  ASSERT_TRUE(answer.wait());
  EXPECT_EQ(answer.result_->status, CallResult::Status::lost);
  std::lock_guard lock(w.data.mutex_);
  EXPECT_TRUE(w.data.received_from.empty());
}

TEST(RemoteExecutor, ARequestWhoseInputsMustBeFetchedIsNotBuiltWithoutBlocking) {
  WorkerOnFakeChannel w(1);
  w.data.ready = false;
  BuiltRequest built = w.executor.build_request(&w.task, false, true);
  EXPECT_EQ(built.request, nullptr);
  EXPECT_TRUE(built.lost.empty());  // an input to fetch: build again on the lane
  built = w.executor.build_request(&w.task, true, true);
  EXPECT_NE(built.request, nullptr);  // where blocking is allowed
}

TEST(RemoteExecutor, InputsNoNodeHoldsAreReportedInsteadOfARequest) {
  WorkerOnFakeChannel w(1);
  w.data.ready = false;
  w.data.lost = {{7, 2}};
  BuiltRequest built = w.executor.build_request(&w.task, false, true);
  EXPECT_EQ(built.request, nullptr);
  EXPECT_EQ(built.lost, (RequestData::Versions{{7, 2}}));
  // Where it may block, they are asked first: nothing is built while they are lost.
  const int builds = w.data.builds;
  built = w.executor.build_request(&w.task, true, true);
  EXPECT_EQ(built.request, nullptr);
  EXPECT_EQ(built.lost, (RequestData::Versions{{7, 2}}));
  EXPECT_EQ(w.data.builds, builds);
  // A replica does not ask (check_lost false): an input to fetch, then built on the lane.
  built = w.executor.build_request(&w.task, false, false);
  EXPECT_EQ(built.request, nullptr);
  EXPECT_TRUE(built.lost.empty());
}

TEST(RemoteExecutor, ItsLookaheadFollowsTheWorkersCores) {
  WorkerOnFakeChannel four(4);
  EXPECT_EQ(four.executor.lookahead(-1).depth, 4u);  // as many as its cores
  EXPECT_EQ(four.executor.lookahead(-1).after_running, 4u);
  EXPECT_EQ(four.executor.lookahead(1).depth, 1u);
  EXPECT_EQ(four.executor.lookahead(0).depth, 0u);
  WorkerOnFakeChannel none(0);  // (a Hello without cores: one thread)
  EXPECT_EQ(none.executor.lookahead(-1).after_running, 1u);
  EXPECT_EQ(none.executor.node(), 1);
}

}  // namespace
