// WorkerLink's releases: sent at once to an idle worker or one that has not answered
// lately; while requests are in flight to a worker that answers often, they wait and go in
// the same write as the next request, or once the worker has answered everything; never
// after a Shutdown. The test plays the worker on a fake channel.
#include "net/fake_transport.hpp"
#include "net/worker_link.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace compss::net;
using namespace std::chrono_literals;

namespace {

/// What the worker end received: "release <id>", "request <n>" or "shutdown" per message,
/// until nothing more comes within `quiet`.
std::vector<std::string> received(Endpoint& worker, std::chrono::milliseconds quiet = 100ms) {
  std::vector<std::string> got;
  for (;;) {
    Message m;
    if (worker.receive(m, quiet)) return got;
    if (auto* r = std::get_if<DataRelease>(&m)) {
      got.push_back("release " + std::to_string(r->data_id));
    } else if (auto* t = std::get_if<TaskRequest>(&m)) {
      got.push_back("request " + t->signature);
    } else if (std::holds_alternative<Shutdown>(m)) {
      got.push_back("shutdown");
    }
  }
}

using Lines = std::vector<std::string>;

/// How calls ended, by request name ("a lost", "b done") -> was_running.
class EndedCalls {
 public:
  CallDone record(std::string name) {
    return [this, name = std::move(name)](CallResult&& r) {
      std::lock_guard lock(mutex_);
      ended_[name + (r.status == CallResult::Status::lost ? " lost" : " done")] = r.was_running;
    };
  }
  /// Waits (at most 5 s) until `count` calls have ended.
  void wait(std::size_t count) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (ended_.size() == count) return;
      }
      std::this_thread::sleep_for(10ms);
    }
  }
  std::map<std::string, bool> snapshot() {
    std::lock_guard lock(mutex_);
    return ended_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, bool> ended_;
};

struct LinkAndWorker {
  std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> ends = make_fake_pair();
  Endpoint& worker = *ends.second;
  // Before the link: its callbacks and sends use them until it is destroyed.
  std::vector<Message> requests;
  std::atomic<int> answers{0};
  WorkerLink link{1, ends.first, Hello{"s", "w", 1, 1}, "127.0.0.1", [](int, const std::string&) {}};

  /// "The worker answers often": any answer within `wait` counts (a minute: the tests do
  /// not depend on timing), and one is given now.
  void answering_often(std::chrono::milliseconds wait = std::chrono::minutes(1)) {
    link.set_release_wait(wait);
    answer(call("warm-up"));
    EXPECT_EQ(received(worker), (std::vector<std::string>{"request warm-up"}));
    for (int i = 0; i < 500 && answers.load() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(answers.load(), 1);  // the link has read the answer
  }

  /// Sends a request named `name`; returns its task id on the link.
  std::uint64_t call(const std::string& name) {
    requests.reserve(16);  // (the link reads a request while it is written: no reallocation)
    requests.push_back(TaskRequest{0, name, {}});
    link.call_async(requests.back(), [this](CallResult&&) { ++answers; });
    return std::get<TaskRequest>(requests.back()).task_id;
  }
  void answer(std::uint64_t task_id) { worker.send(TaskDone{task_id, {}}); }
};

}  // namespace

TEST(WorkerLink, AReleaseToAnIdleWorkerGoesAtOnce) {
  LinkAndWorker t;
  t.link.release(7, 1);
  EXPECT_EQ(received(t.worker), (Lines{"release 7"}));
}

TEST(WorkerLink, ReleasesWaitForTheNextRequestWhileTasksAreInFlight) {
  LinkAndWorker t;
  t.answering_often();
  std::uint64_t a = t.call("a");
  EXPECT_EQ(received(t.worker), (Lines{"request a"}));
  t.link.release(2, 1);
  t.link.release(3, 1);
  EXPECT_EQ(received(t.worker), Lines{});  // nothing of their own
  std::uint64_t b = t.call("b");
  EXPECT_EQ(received(t.worker), (Lines{"release 2", "release 3", "request b"}));
  t.link.release(4, 1);
  t.answer(a);
  EXPECT_EQ(received(t.worker), Lines{});  // b still runs there
  t.answer(b);  // now idle: what waited goes
  EXPECT_EQ(received(t.worker), (Lines{"release 4"}));
}

TEST(WorkerLink, WaitingReleasesGoBeforeTheShutdown) {
  LinkAndWorker t;
  t.answering_often();
  t.call("a");
  t.link.release(5, 1);
  t.link.begin_shutdown();
  EXPECT_EQ(received(t.worker), (Lines{"request a", "release 5", "shutdown"}));
}

TEST(WorkerLink, AReleaseToAWorkerBusyWithALongTaskGoesAtOnce) {
  LinkAndWorker t;
  t.answering_often();
  t.link.set_release_wait(std::chrono::microseconds(0));  // its last answer is "old"
  t.call("long");
  t.link.release(6, 1);
  EXPECT_EQ(received(t.worker), (Lines{"request long", "release 6"}));
}

TEST(WorkerLink, AWaitingReleaseGoesAfterAWhileWithoutARequest) {
  LinkAndWorker t;
  t.answering_often(300ms);
  t.call("long");
  t.link.release(8, 1);  // (waits, unless this machine took 300 ms since the answer)
  EXPECT_EQ(received(t.worker, 1500ms), (Lines{"request long", "release 8"}));
}

TEST(WorkerLink, ManyWaitingReleasesGoWithoutARequest) {
  LinkAndWorker t;
  t.answering_often();
  t.call("a");
  for (std::uint64_t id = 1; id <= 256; ++id) t.link.release(id, 1);
  Lines got = received(t.worker);
  ASSERT_EQ(got.size(), 257u);
  EXPECT_EQ(got.front(), "request a");
  EXPECT_EQ(got.back(), "release 256");
  t.link.begin_shutdown();
}

TEST(WorkerLink, OfTheRequestsALostWorkerHadNotAnsweredTheOldestOnePerCoreWereRunning) {
  // A worker of 2 cores takes requests in the order written, one per core: with a, b, c, d
  // sent and b answered, a and c may have been running when it died; d only waited.
  auto [master_end, worker_end] = make_fake_pair();
  EndedCalls ended;
  std::vector<Message> requests;
  requests.reserve(4);
  WorkerLink link{1, master_end, Hello{"s", "w", 2, 1}, "127.0.0.1", [](int, const std::string&) {}};
  std::vector<std::uint64_t> ids;
  for (const char* name : {"a", "b", "c", "d"}) {
    requests.push_back(TaskRequest{0, name, {}});
    link.call_async(requests.back(), ended.record(name));
    ids.push_back(std::get<TaskRequest>(requests.back()).task_id);
  }
  EXPECT_EQ(received(*worker_end), (Lines{"request a", "request b", "request c", "request d"}));
  worker_end->send(TaskDone{ids[1], {}});
  ended.wait(1);
  worker_end->close();
  ended.wait(4);
  EXPECT_EQ(ended.snapshot(), (std::map<std::string, bool>{
                                  {"a lost", true}, {"b done", false}, {"c lost", true}, {"d lost", false}}));
}

TEST(WorkerLink, AWorkerCutOffOnPurposeKilledNoneOfItsTasks) {
  // A restart (cut_off: a task timed out there and did not return) ends every call as
  // lost, but the tasks beside the stuck one did not kill their worker: none was_running,
  // so none moves closer to "not run again" (docs/failures.md, "Restarting a worker").
  auto [master_end, worker_end] = make_fake_pair();
  EndedCalls ended;
  std::vector<Message> requests;
  requests.reserve(2);
  WorkerLink link{1, master_end, Hello{"s", "w", 2, 1}, "127.0.0.1", [](int, const std::string&) {}};
  for (const char* name : {"stuck", "beside"}) {
    requests.push_back(TaskRequest{0, name, {}});
    link.call_async(requests.back(), ended.record(name));
  }
  EXPECT_EQ(received(*worker_end), (Lines{"request stuck", "request beside"}));
  link.cut_off("stuck timed out there and did not return");
  ended.wait(2);
  EXPECT_EQ(ended.snapshot(), (std::map<std::string, bool>{{"stuck lost", false}, {"beside lost", false}}));
}
