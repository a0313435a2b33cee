// Liveness on the master-worker link (docs/distributed.md, "Liveness"): WorkerLink declares
// a worker lost after its time-out without a word from it, ending its calls as `lost`;
// heartbeats keep a worker with a long task alive. WorkerHeartbeat beats at the pace the
// master asked for, once it knows it. (Fencing after a SIGSTOP: e2e stop_worker.) Once
// its workers are in, the master's listener refuses any other, with its name.
// The other end is played by the test over a fake channel.
#include "net/fake_transport.hpp"
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/worker_heartbeat.hpp"
#include "net/worker_link.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace compss::net;
using namespace std::chrono_literals;

namespace {

/// A link to a worker played by the test, with a time-out; records on_lost.
struct Watched {
  explicit Watched(std::chrono::milliseconds timeout)
      : link(1, ends.first, Hello{"s", "w", 1, 1}, "127.0.0.1",
             [this](int node, const std::string& why) {
               std::lock_guard lock(mutex);
               lost_node = node;
               lost_why = why;
             },
             timeout) {}
  std::pair<std::shared_ptr<Endpoint>, std::shared_ptr<Endpoint>> ends = make_fake_pair();
  Endpoint& worker = *ends.second;
  std::mutex mutex;
  int lost_node = 0;
  std::string lost_why;
  WorkerLink link;

  bool lost() {
    std::lock_guard lock(mutex);
    return lost_node != 0;
  }
  /// Polls (bounded) until the link is declared lost.
  bool lost_within(std::chrono::milliseconds limit) {
    for (auto end = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < end;) {
      if (lost() && !link.alive()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
};

}  // namespace

TEST(Liveness, TheWorkerIsToldTheTimeOutFirst) {
  Watched w(2500ms);
  Message m;
  ASSERT_FALSE(w.worker.receive(m, 5s));
  ASSERT_TRUE(std::holds_alternative<Heartbeat>(m));
  EXPECT_EQ(std::get<Heartbeat>(m).timeout_ms, 2500u);
}

TEST(Liveness, ASilentWorkerIsDeclaredLostAndItsCallsEnd) {
  Watched w(200ms);
  std::atomic<int> lost_calls{0};
  Message request = TaskRequest{0, "void f()", {}};
  w.link.call_async(request, [&](CallResult&& r) {
    if (r.status == CallResult::Status::lost) ++lost_calls;
  });
  ASSERT_TRUE(w.lost_within(10s));
  EXPECT_EQ(w.lost_node, 1);
  EXPECT_NE(w.lost_why.find("no word from it for"), std::string::npos) << w.lost_why;
  EXPECT_NE(w.lost_why.find("COMPSS_WORKER_TIMEOUT"), std::string::npos) << w.lost_why;
  for (int i = 0; i < 500 && lost_calls.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(lost_calls.load(), 1);
  // Fenced: an answer it sends now is not read (the link is closed).
  w.worker.send(TaskDone{std::get<TaskRequest>(request).task_id, {}});
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(lost_calls.load(), 1);
}

TEST(Liveness, HeartbeatsKeepAWorkerWithALongTaskAlive) {
  Watched w(300ms);
  std::atomic<bool> answered{false};
  Message request = TaskRequest{0, "void long_task()", {}};
  w.link.call_async(request, [&](CallResult&& r) {
    answered = r.status == CallResult::Status::done;
  });
  // The task takes five time-outs; the worker's heartbeat thread beats meanwhile.
  {
    WorkerHeartbeat beat(w.worker);
    beat.set_timeout(300ms);
    std::this_thread::sleep_for(1500ms);
    EXPECT_FALSE(w.lost());
    EXPECT_FALSE(beat.fenced());
  }
  w.worker.send(TaskDone{std::get<TaskRequest>(request).task_id, {}});
  for (int i = 0; i < 500 && !answered.load(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(answered.load());
  EXPECT_FALSE(w.lost());
}

TEST(Liveness, WithoutATimeOutNoWorkerIsDeclaredLost) {
  Watched w(0ms);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(w.lost());
  EXPECT_TRUE(w.link.alive());
}

TEST(Liveness, AWorkerBeatsOnlyOnceItKnowsTheTimeOut) {
  auto [master, worker] = make_fake_pair();
  WorkerHeartbeat beat(*worker);
  Message m;
  EXPECT_EQ(master->receive(m, 400ms), NetError::timed_out);  // (no time-out: no beats)
  beat.set_timeout(400ms);
  for (int i = 0; i < 3; ++i) {  // then beats keep coming, a fifth of the time-out apart
    ASSERT_FALSE(master->receive(m, 5s));
    EXPECT_TRUE(std::holds_alternative<Heartbeat>(m));
    EXPECT_EQ(std::get<Heartbeat>(m).timeout_ms, 0u);
  }
  EXPECT_FALSE(beat.fenced());
  EXPECT_EQ(beat.pause().count(), 0);
}

TEST(Liveness, AWorkerConnectingAfterTheStartIsRefused) {
  IoThread io;
  Listener listener(io.context(), {.secret = "k", .connection = {.log = [](const std::string&) {}}});
  Hello hello{"k", "localhost-1", 1, 4242};
  auto early = connect_to(io.context(), "127.0.0.1", listener.port(), hello, 5s);
  ASSERT_NE(listener.accept(5s), nullptr);  // admitted at start
  std::mutex mutex;
  std::vector<std::string> refused;
  listener.refuse_from_now([&](const Hello& h, const std::string&) {
    std::lock_guard lock(mutex);
    refused.push_back(h.node_name + " " + std::to_string(h.pid));
  });
  // The same worker coming back (a new connection) is closed and reported.
  auto again = connect_to(io.context(), "127.0.0.1", listener.port(), hello, 5s);
  Message m;
  EXPECT_EQ(again->receive(m, 10s), NetError::closed);
  std::lock_guard lock(mutex);
  EXPECT_EQ(refused, (std::vector<std::string>{"localhost-1 4242"}));
  EXPECT_EQ(listener.accept(0ms), nullptr);
}
