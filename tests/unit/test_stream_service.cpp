// The stream service (runtime/net/stream_service.hpp) and the workers' ports onto it
// (stream_client.hpp), over in-memory connections: what a stream task on a worker sees is
// what it would see on the master (docs/streams.md, "Streams across workers").
#include "fake_stream_servers.hpp"
#include "net/fake_transport.hpp"
#include "net/stream_batches.hpp"
#include "net/stream_client.hpp"
#include "net/stream_elements.hpp"
#include "net/stream_prefetch.hpp"
#include "net/stream_service.hpp"
#include "settings/run_config.hpp"

#include <compss/detail/remote_invoke.hpp>
#include <compss/stream.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <cstdlib>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

namespace {

using compss::ObjectStream;
using compss::detail::StreamHandle;
using compss::detail::StreamTicket;

/// Runs `publish` with each remote publish waiting for its answer, so the master has them
/// all when it returns (pipelined, a lost attempt's publishes could reach the master after
/// its retry's, on another connection, and be refused as stale).
template <class F>
void with_publishes_answered(F publish) {
  compss::net::set_publish_window(0, 0);
  publish();
  compss::net::set_publish_window(256, std::size_t{4} << 20);  // (the default)
}

/// Ports made in its scope prefetch `bytes` (0: they poll without prefetch); then the
/// default again (none).
struct PrefetchScope {
  explicit PrefetchScope(std::size_t bytes = std::size_t{2} << 20) { compss::net::set_stream_prefetch(bytes); }
  ~PrefetchScope() { compss::net::set_stream_prefetch(0); }
  PrefetchScope(const PrefetchScope&) = delete;
  PrefetchScope& operator=(const PrefetchScope&) = delete;
};

/// Waits (10 s at most) until some port holds a prefetched batch its user did not take.
bool wait_for_a_prefetched_batch() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (compss::net::stream_prefetched_bytes() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return compss::net::stream_prefetched_bytes() != 0;
}

/// What a consumer polled until the stream closed, the error that ended it, or the deadline.
template <class T>
struct Drained {
  std::vector<T> got;
  std::string error;  // a poll's compss::Error (empty: none)
};
template <class T>
Drained<T> drain(ObjectStream<T>& s, std::chrono::seconds limit = std::chrono::seconds(10)) {
  Drained<T> out;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!s.is_closed() && std::chrono::steady_clock::now() < deadline) {
    try {
      for (T& v : s.poll(0.05)) out.got.push_back(std::move(v));
    } catch (const compss::Error& e) {
      out.error = e.what();
      break;
    }
  }
  return out;
}

/// Every port a test opens is a fake connection served on a thread of its own, as the
/// master's StreamService serves a TCP one.
///
/// Parameter: whether the "workers" keep the elements they publish (the default on a
/// worker, net/stream_elements.hpp) or send them to the master (a process without a
/// stream endpoint): every guarantee holds both ways.
class StreamServiceTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    compss::net::set_element_port(GetParam() ? 2 : 0);  // (any port: the connector ignores it)
    compss::net::set_stream_connector([this](const std::string&, std::uint16_t) { return servers_.connect(); });
  }
  void TearDown() override {
    compss::net::set_element_port(0);
    compss::net::set_stream_connector(nullptr);
    servers_.stop();
  }

  /// The ticket a task given `user` would take to a worker (its slot or place taken now,
  /// as at submission), and the master's copy that holds them.
  template <class S>
  static std::pair<S, StreamTicket> task_ticket(S& user, bool producer) {
    S master_copy = StreamHandle::for_task(user, producer);
    StreamTicket t = master_copy.ticket();
    t.port = 1;  // (any: the fake connector ignores it)
    return {std::move(master_copy), t};
  }

  FakeStreamServers servers_;
};

/// Two remote producers, three remote consumers: each element reaches one consumer once,
/// each consumer sees each producer's elements in order.
void amo_across_remote_consumers(const std::function<std::pair<ObjectStream<int>, StreamTicket>(ObjectStream<int>&, bool)>& task_ticket) {
  ObjectStream<int> stream("service-amo", compss::at_most_once, 16);
  constexpr int producers = 2, consumers = 3, per_producer = 400;
  std::vector<std::pair<ObjectStream<int>, StreamTicket>> prod, cons;
  for (int p = 0; p < producers; ++p) prod.push_back(task_ticket(stream, true));
  for (int c = 0; c < consumers; ++c) cons.push_back(task_ticket(stream, false));
  std::vector<std::vector<int>> got(consumers);
  std::vector<std::thread> threads;
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      auto s = ObjectStream<int>::from_ticket(cons[c].second);
      while (!s.is_closed()) {
        for (int v : s.poll(0.05)) got[c].push_back(v);
      }
    });
  }
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      auto s = ObjectStream<int>::from_ticket(prod[p].second);
      for (int i = 0; i < per_producer; ++i) s.publish(p * 100000 + i);
      s.close();
    });
  }
  for (auto& t : threads) t.join();
  for (auto& [copy, ticket] : prod) copy.end_task(true, {});
  for (auto& [copy, ticket] : cons) copy.end_task(true, {});

  std::multiset<int> all;
  for (const auto& g : got) {
    all.insert(g.begin(), g.end());
    std::map<int, int> last;  // per producer: each consumer sees its elements in order
    for (int v : g) {
      const int p = v / 100000;
      if (last.contains(p)) EXPECT_LT(last[p], v);
      last[p] = v;
    }
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(producers * per_producer));  // no loss
  for (int p = 0; p < producers; ++p) {
    for (int i = 0; i < per_producer; ++i) EXPECT_EQ(all.count(p * 100000 + i), 1u);  // no duplicate
  }
}

TEST_P(StreamServiceTest, AtMostOnceAcrossRemoteConsumersCountsEveryElementOnceInProducerOrder) {
  amo_across_remote_consumers([](ObjectStream<int>& s, bool producer) { return task_ticket(s, producer); });
}

TEST_P(StreamServiceTest, AtMostOnceAcrossRemoteConsumersWithPrefetchCountsEveryElementOnceInProducerOrder) {
  PrefetchScope on;
  amo_across_remote_consumers([](ObjectStream<int>& s, bool producer) { return task_ticket(s, producer); });
}

TEST_P(StreamServiceTest, ARemoteProducerBlocksOnAFullStreamInsteadOfGrowingIt) {
  ObjectStream<int> stream("service-bounded", compss::at_most_once, 4);
  auto [copy, ticket] = task_ticket(stream, true);
  // Publishes are pipelined: the producer may be its window (3 here) ahead of the bound.
  compss::net::set_publish_window(3, std::size_t{4} << 20);
  constexpr long bound = 4 + 3;
  std::atomic<long> published{0};
  std::thread producer([&, t = ticket] {
    auto s = ObjectStream<int>::from_ticket(t);
    for (int i = 0; i < 40; ++i) {
      s.publish(i);
      published.fetch_add(1);
    }
    s.close();
  });
  // Nobody consumes: the producer stops once the buffer is full.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (published.load() < bound && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(published.load(), bound);
  std::vector<int> taken;
  long most_waiting = 0;  // published and not taken yet (at most the buffer, the window and one)
  while (!stream.is_closed()) {
    most_waiting = std::max(most_waiting, published.load() - static_cast<long>(taken.size()));
    for (int v : stream.poll(0.05)) taken.push_back(v);
  }
  producer.join();
  copy.end_task(true, {});
  compss::net::set_publish_window(256, std::size_t{4} << 20);  // (the default)
  EXPECT_LE(most_waiting, bound + 1);
  ASSERT_EQ(taken.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(taken[static_cast<std::size_t>(i)], i);
}

TEST_P(StreamServiceTest, AFailedRemoteProducersErrorReachesARemoteConsumerAfterItsElements) {
  ObjectStream<int> stream("service-failed", compss::at_most_once, 8);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  {
    auto s = ObjectStream<int>::from_ticket(pticket);
    s.publish(std::vector<int>{1, 2, 3});
  }  // (a worker's handle closes nothing: the master's copy does, with the task's error)
  pcopy.end_task(false, "sensor exploded");
  auto c = ObjectStream<int>::from_ticket(cticket);
  auto [got, error] = drain(c, std::chrono::seconds(20));
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  EXPECT_NE(error.find("sensor exploded"), std::string::npos) << error;
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, AtLeastOnceRetriedConsumerGetsAgainWhatTheDeadAttemptHadNotFinished) {
  // (Without prefetch: the dead attempt's late poll must reach the master to be refused;
  // with it, its prefetch knows the stream closed for it and sends nothing.)
  PrefetchScope off(0);
  ObjectStream<int> stream("service-alo", compss::at_least_once, 64);
  auto [ccopy, first] = task_ticket(stream, false);
  stream.publish(std::vector<int>{10, 11, 12});
  stream.close();
  auto dead = ObjectStream<int>::from_ticket(first);
  EXPECT_EQ(dead.poll(1.0), (std::vector<int>{10, 11, 12}));  // taken, not finished with
  // Its worker is killed; the master sends the task again: a new request, a new ticket.
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  ASSERT_GT(retry.attempt, first.attempt);
  auto again = ObjectStream<int>::from_ticket(retry);
  std::vector<int> got;
  while (!again.is_closed()) {
    for (int v : again.poll(0.05)) got.push_back(v);
  }
  EXPECT_EQ(got, (std::vector<int>{10, 11, 12}));
  // A late request of the dead attempt takes nothing from the new one.
  EXPECT_THROW(dead.poll(0.0), compss::Error);
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, ARetriedRemoteProducerDoesNotPublishTwiceWhatItsLostAttemptPublished) {
  ObjectStream<int> stream("service-retry", compss::at_most_once, 64);
  auto [copy, first] = task_ticket(stream, true);
  auto lost = ObjectStream<int>::from_ticket(first);
  with_publishes_answered([&] { lost.publish(std::vector<int>{0, 1, 2}); });  // then its worker is killed
  StreamTicket retry = copy.ticket();
  retry.port = 1;
  auto again = ObjectStream<int>::from_ticket(retry);
  for (int i = 0; i < 5; ++i) again.publish(i);  // the same sequence, from the start
  again.close();
  lost.publish(99);  // a late request of the lost attempt (pipelined: its error comes next)
  EXPECT_THROW(lost.close(), compss::Error);
  copy.end_task(true, {});
  std::vector<int> got;
  while (!stream.is_closed()) {
    for (int v : stream.poll(0.05)) got.push_back(v);
  }
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
}

// A retried producer on a worker that closes having published fewer elements than its
// lost attempt: what that attempt published stays delivered, and the consumers are told
// the producer diverged (before: a clean close, in silence).
TEST_P(StreamServiceTest, ARetriedRemoteProducerPublishingFewerElementsClosesTheStreamWithAnError) {
  ObjectStream<int> stream("service-retry-fewer", compss::at_most_once, 64);
  auto [copy, first] = task_ticket(stream, true);
  {
    auto lost = ObjectStream<int>::from_ticket(first);
    with_publishes_answered([&] { lost.publish(std::vector<int>{0, 1, 2, 3, 4}); });
  }  // then its worker is killed (no finish_task)
  StreamTicket retry = copy.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<int>::from_ticket(retry);
    again.publish(std::vector<int>{0, 1});
    again.close();
    again.finish_task();
  }
  copy.end_task(true, {});
  auto [got, error] = drain(stream);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(error.find("published 2 elements, fewer than its earlier attempts (5)"), std::string::npos) << error;
}

// A retried file-stream producer on a worker is matched with its lost attempt by file
// name, not by position: a file both published is delivered once, and every other file of
// the retry is delivered, whatever its order (before: the retry's first two new files were
// dropped as "the lost attempt's two", and never delivered).
TEST_P(StreamServiceTest, ARetriedRemoteFileProducerLosesNoFileItsLostAttemptDidNotPublish) {
  const auto dir = std::filesystem::temp_directory_path() / ("compss-service-file-retry-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    compss::FileStream stream(dir, "service-file-retry", compss::at_most_once, 64);
    auto [copy, first] = task_ticket(stream, true);
    for (const char* name : {"a", "b", "c", "d", "e"}) std::ofstream(dir / name) << name;
    {
      auto lost = compss::FileStream::from_ticket(first);
      with_publishes_answered([&] { lost.publish(std::vector<std::filesystem::path>{"a", "b"}); });
    }  // then its worker is killed (no finish_task)
    StreamTicket retry = copy.ticket();
    retry.port = 1;
    {
      auto again = compss::FileStream::from_ticket(retry);
      again.publish(std::vector<std::filesystem::path>{"c", "b", "d", "a"});
      again.close();
      again.finish_task();
    }
    copy.end_task(true, {});
    std::map<std::string, int> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!stream.is_closed() && std::chrono::steady_clock::now() < deadline) {
      for (const auto& p : stream.poll(0.05)) ++got[p.filename().string()];
    }
    // ("e", never published, is found by the scan of the closed stream's directory.)
    EXPECT_EQ(got, (std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}, {"e", 1}}));
  }
  std::filesystem::remove_all(dir);
}

TEST_P(StreamServiceTest, AnUnknownStreamIsAnErrorNotAHang) {
  compss::net::StreamCall call;
  call.op = compss::net::StreamCall::poll;
  call.stream = 987654321;
  compss::net::StreamReply reply = compss::net::answer_stream_call(call, "fake", nullptr);
  EXPECT_NE(reply.error.find("no longer exists"), std::string::npos) << reply.error;
}

// ---- review fixes (docs/streams.md) -------------------------------------------------

TEST_P(StreamServiceTest, AConsumerTaskThatAlsoPublishesDoesNotKeepTheStreamOpen) {
  ObjectStream<int> stream("service-own-slot", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  {
    auto c = ObjectStream<int>::from_ticket(cticket);
    c.publish(7);  // a stream_in task has no slot: its handle opens one
  }  // the task ends on its worker
  ccopy.end_task(true, {});
  stream.close();
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!stream.is_closed() && std::chrono::steady_clock::now() < deadline) {
    for (int v : stream.poll(0.05)) got.push_back(v);
  }
  EXPECT_TRUE(stream.is_closed());  // (the slot the worker's handle opened was never closed)
  EXPECT_EQ(got, (std::vector<int>{7}));
}

TEST_P(StreamServiceTest, AProducerTaskThatPollsAtLeastOnceDoesNotPinTheLog) {
  ObjectStream<int> stream("service-own-place", compss::at_least_once, 4);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  {
    auto p = ObjectStream<int>::from_ticket(pticket);
    (void)p.poll(0.0);  // a producer has no place: its handle opens one
  }
  pcopy.end_task(true, {});
  // (The program's handle takes its producer slot now: with the task's slot closed and
  // none open, the consumer would rightly see the stream closed before it.)
  stream.publish(0);
  std::atomic<int> published{1};
  std::thread producer([&] {
    try {
      for (int i = 1; i < 12; ++i) {  // 3 times the buffer: the log must drop what was read
        stream.publish(i);
        published.fetch_add(1);
      }
      stream.close();
    } catch (const compss::Error&) {
      // (without the fix: closed below while it waited on the pinned log)
    }
  });
  auto c = ObjectStream<int>::from_ticket(cticket);
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!c.is_closed() && std::chrono::steady_clock::now() < deadline) {
    for (int v : c.poll(0.05)) got.push_back(v);
  }
  if (published.load() < 12) stream.close();  // (without the fix: unblock the producer)
  ccopy.end_task(true, {});
  producer.join();
  EXPECT_EQ(got.size(), 12u);
}

TEST_P(StreamServiceTest, AnAtMostOnceConsumersDeadAttemptTakesNothingFromItsRetry) {
  // (Without prefetch: the retry's first poll must reach the master before the publish,
  // as the master knows a retry before it sends it; a prefetch's poll goes from its thread.)
  PrefetchScope off(0);
  ObjectStream<int> stream("service-amo-stale", compss::at_most_once, 16);
  auto [ccopy, first] = task_ticket(stream, false);
  auto dead = ObjectStream<int>::from_ticket(first);
  EXPECT_TRUE(dead.poll(0.0).empty());
  // Its worker is lost; the master sends the task again: a new ticket.
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  auto again = ObjectStream<int>::from_ticket(retry);
  EXPECT_TRUE(again.poll(0.0).empty());
  stream.publish(std::vector<int>{1, 2, 3});
  stream.close();
  EXPECT_THROW(dead.poll(0.0), compss::Error);  // a late poll of the lost attempt
  std::vector<int> got;
  while (!again.is_closed()) {
    for (int v : again.poll(0.05)) got.push_back(v);
  }
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, ARemotePollWithAnInfiniteTimeoutWaitsForElements) {
  ObjectStream<int> stream("service-forever", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  std::vector<int> got;
  std::thread consumer([&, t = cticket] {
    auto c = ObjectStream<int>::from_ticket(t);
    got = c.poll(std::numeric_limits<double>::infinity());  // returned at once, empty
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // (so it waits)
  stream.publish(5);
  consumer.join();
  EXPECT_EQ(got, (std::vector<int>{5}));
  stream.close();
  ccopy.end_task(true, {});
}

/// Polls `c` into `got` until it is closed; returns the most elements one poll brought.
std::size_t poll_until_closed(ObjectStream<std::vector<char>>& c, std::vector<std::vector<char>>& got) {
  std::size_t largest = 0;
  while (!c.is_closed()) {
    auto batch = c.poll(0.05);
    largest = std::max(largest, batch.size());
    for (auto& v : batch) got.push_back(std::move(v));
  }
  return largest;
}

TEST_P(StreamServiceTest, APollsReplyStaysWithinItsBudgetTheRestComesNext) {
  ObjectStream<std::vector<char>> stream("service-budget", compss::at_least_once, 64);
  auto [ccopy, cticket] = task_ticket(stream, false);
  compss::net::set_stream_reply_budget(2500);  // two elements of 1 kB and their framing
  for (int i = 0; i < 10; ++i) stream.publish(std::vector<char>(1000, static_cast<char>('a' + i)));
  stream.close();
  auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
  std::vector<std::vector<char>> got;
  const std::size_t largest = poll_until_closed(c, got);
  compss::net::set_stream_reply_budget(std::size_t{16} << 20);
  EXPECT_LE(largest, 2u);  // (all 10 in one reply before)
  ASSERT_EQ(got.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)].front(), 'a' + i);
  ccopy.end_task(true, {});
}

// ---- pipelined publishes (stream_client.hpp) -------------------------------------------

/// A worker's handle on a stream the master no longer has: every publish fails there.
StreamTicket gone_stream_ticket() {
  StreamTicket t;
  t.stream = 987654321;
  t.producer = 1;
  t.port = 1;
  return t;
}
ObjectStream<int> handle_on_a_gone_stream() { return ObjectStream<int>::from_ticket(gone_stream_ticket()); }

/// Expects `step` to throw the gone stream's error ("what" says which step did not).
template <class F>
void expect_gone_streams_error(F step, const char* what) {
  try {
    step();
    ADD_FAILURE() << what << " did not report the publish's error";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no longer exists"), std::string::npos) << e.what();
  }
}

TEST_P(StreamServiceTest, APipelinedPublishsErrorIsThrownByClose) {
  auto s = handle_on_a_gone_stream();
  s.publish(1);  // returns before the master answered (before: threw here, each publish waited)
  expect_gone_streams_error([&] { s.close(); }, "close()");
}

TEST_P(StreamServiceTest, APipelinedPublishsErrorIsThrownByTheNextPublishOnceTheWindowIsFull) {
  compss::net::set_publish_window(1, std::size_t{4} << 20);  // one publish in flight
  auto s = handle_on_a_gone_stream();
  EXPECT_NO_THROW(s.publish(1));
  EXPECT_THROW(s.publish(2), compss::Error);  // waits for 1's answer: the error
  compss::net::set_publish_window(256, std::size_t{4} << 20);  // (the default)
}

TEST_P(StreamServiceTest, AWorkerTaskThatReturnsWithoutCloseFailsWhenAPipelinedPublishFailed) {
  auto s = handle_on_a_gone_stream();
  s.publish(1);  // returns before the master answered; the task body then returns
  // What the worker's invoker calls on the success path (remote_invoke.hpp, StreamSlot):
  // the task fails instead of answering success with the element missing (before: only a
  // line on stderr from the port's destructor).
  expect_gone_streams_error([&] { s.finish_task(); }, "the task's end");
}

// A producer task whose body returns without close(), as a worker's invoker runs it.
void publish_and_return(ObjectStream<int>& s) { s.publish(1); }
constexpr compss::detail::ParamSpec stream_out_param[] = {
    {compss::detail::Direction::out, compss::detail::ParamKind::stream, "s"}};
constexpr compss::detail::TaskSpec publish_and_return_spec{
    "publish_and_return", "void publish_and_return(compss::ObjectStream<int> &)", stream_out_param, 1};

TEST_P(StreamServiceTest, TheWorkersInvokerFailsATaskThatReturnsAfterAFailedPipelinedPublish) {
  auto ticket = compss::detail::hold_object(gone_stream_ticket());
  const compss::detail::RemoteInput input{.value = ticket.get()};
  std::vector<compss::detail::RemoteOutput> outputs;
  expect_gone_streams_error(
      [&] {
        compss::detail::invoke_remote<publish_and_return_spec, &publish_and_return>(
            std::span(&input, 1), outputs);
      },
      "the invoker");
}

TEST_P(StreamServiceTest, AWorkerTaskWhosePublishWasUnansweredWhenTheConnectionBrokeFails) {
  // (Elements travel: one a worker held would stay held, its hand-over failing, by design.)
  compss::net::set_element_port(0);
  std::shared_ptr<compss::net::Endpoint> silent;  // the master's end: it never answers
  compss::net::set_stream_connector([&](const std::string&, std::uint16_t) {
    auto [client_end, master_end] = compss::net::make_fake_pair();
    silent = master_end;
    return client_end;
  });
  auto s = handle_on_a_gone_stream();
  s.publish(1);  // sent, not answered
  silent->close();  // the connection breaks with the publish in flight
  // (before: nothing at all, not even the destructor's line: only pending_ was checked)
  EXPECT_THROW(s.finish_task(), compss::Error);
}

TEST_P(StreamServiceTest, AnOwnConsumerPlaceIsRemovedEvenWithAPublishsErrorPending) {
  ObjectStream<int> stream("service-own-place-error", compss::at_least_once, 64);
  auto [pcopy, first] = task_ticket(stream, true);
  StreamTicket retry = pcopy.ticket();
  retry.port = 1;
  {
    auto lost = ObjectStream<int>::from_ticket(first);
    EXPECT_TRUE(lost.poll(0.0).empty());  // a producer that polls: a place of its own
    {
      auto again = ObjectStream<int>::from_ticket(retry);
      with_publishes_answered([&] { again.publish(0); });  // (the master knows the retry now)
      again.close();
    }
    lost.publish(99);  // the lost attempt's late publish: refused, the error is pending
  }  // the lost handle's end must still remove its place (before: not sent, the log pinned)
  pcopy.end_task(true, {});
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!stream.is_closed() && std::chrono::steady_clock::now() < deadline) {
    for (int v : stream.poll(0.05)) got.push_back(v);
  }
  EXPECT_EQ(got, (std::vector<int>{0}));
  EXPECT_TRUE(stream.poll(0.0).empty());  // (commits what it took)
  auto channel = compss::detail::find_stream_channel(stream.id());
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->buffered(), 0u);  // nobody is left to read element 0
}

TEST_P(StreamServiceTest, CopiesOfAWorkersHandleOnTwoThreadsEachGetTheirOwnAnswers) {
  constexpr int n = 400;
  ObjectStream<int> stream("service-shared-port", compss::at_most_once, 1024);
  auto [ccopy, cticket] = task_ticket(stream, false);
  auto w = ObjectStream<int>::from_ticket(cticket);
  w.publish(-1);  // (a publish starts the port's receiver thread)
  ObjectStream<int> other = w;  // shares w's port
  std::atomic<bool> stop{false};
  std::thread asker([&] {
    while (!stop.load()) (void)other.is_closed();
  });
  std::thread publisher([&] {
    for (int i = 0; i < n; ++i) stream.publish(i);
  });
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (got.size() < n + 1u && std::chrono::steady_clock::now() < deadline) {
    for (int v : w.poll(0.01)) got.push_back(v);
  }
  stop = true;
  asker.join();
  publisher.join();
  // (before: a poll's answer taken by the other thread's is_closed, its elements dropped)
  EXPECT_EQ(got.size(), n + 1u);
  w.close();
  ccopy.end_task(true, {});
  stream.close();
}

TEST_P(StreamServiceTest, AFastRemoteProducerKeepsItsOrderAndLosesNothingThroughThePipeline) {
  ObjectStream<int> stream("service-pipelined", compss::at_most_once, 8);
  auto [pcopy, pticket] = task_ticket(stream, true);
  std::vector<int> got;
  std::thread consumer([&] {
    while (!stream.is_closed()) {
      for (int v : stream.poll(0.05)) got.push_back(v);
    }
  });
  std::thread producer([t = pticket] {
    auto s = ObjectStream<int>::from_ticket(t);
    for (int i = 0; i < 3000; ++i) s.publish(i);
  });  // (no close(): the handle's end waits for every publish in flight)
  producer.join();
  pcopy.end_task(true, {});  // the master ends the slot once the task answered
  consumer.join();
  ASSERT_EQ(got.size(), 3000u);
  for (int i = 0; i < 3000; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
}

TEST_P(StreamServiceTest, PublishesMadeWhileCallsAreInFlightGoTogetherInOrder) {
  ObjectStream<int> stream("service-coalesced", compss::at_most_once, 4);
  auto [pcopy, pticket] = task_ticket(stream, true);
  const std::uint64_t calls_before = compss::net::stream_publish_calls();
  std::atomic<bool> published{false};
  std::thread producer([&, t = pticket] {
    auto s = ObjectStream<int>::from_ticket(t);
    // 4 fill the stream, the next call waits on the master (nobody consumes yet), 3 more
    // calls queue behind it: the last 16 wait here, for one call once an answer comes.
    for (int i = 0; i < 24; ++i) s.publish(i);
    published = true;
    s.close();
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!published.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(published.load());  // (24 publishes within the window returned)
  std::vector<int> got;
  while (!stream.is_closed()) {
    for (int v : stream.poll(0.05)) got.push_back(v);
  }
  producer.join();
  pcopy.end_task(true, {});
  ASSERT_EQ(got.size(), 24u);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
  EXPECT_LE(compss::net::stream_publish_calls() - calls_before, 9u);  // (before: 24, one each)
}

namespace {

/// The window cuts a remote producer's port made while its consumer took nothing for
/// 200 ms (every publish answer waits for a consumer once the stream is full), with
/// COMPSS_STREAM_WINDOW_DELAY_US set to `delay_us` ("" : unset, the default).
std::uint64_t window_cuts_over_a_stall(compss::detail::StreamTicket ticket, ObjectStream<int>& stream,
                                       const char* delay_us) {
  if (*delay_us != '\0') ::setenv("COMPSS_STREAM_WINDOW_DELAY_US", delay_us, 1);
  compss::config::load_run_config();  // (a port reads it at its first publish)
  const std::uint64_t cuts_before = compss::net::stream_window_cuts();
  std::atomic<bool> first_answered{false};
  std::thread producer([&, t = ticket] {
    auto s = ObjectStream<int>::from_ticket(t);
    // 4 fit the stream, answered at once: the least round trip.
    for (int i = 0; i < 4; ++i) s.publish(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    first_answered = true;
    for (int i = 4; i < 40; ++i) s.publish(i);  // (answered only once a consumer takes)
    s.close();
  });
  while (!first_answered.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::vector<int> got;
  while (!stream.is_closed()) {
    for (int v : stream.poll(0.05)) got.push_back(v);
  }
  producer.join();
  ::unsetenv("COMPSS_STREAM_WINDOW_DELAY_US");
  compss::config::load_run_config();
  EXPECT_EQ(got.size(), 40u);
  return compss::net::stream_window_cuts() - cuts_before;
}

}  // namespace

TEST_P(StreamServiceTest, APublishAnsweredAfterAStallCutsTheWindowUnlessTheDelayIsZero) {
  {
    ObjectStream<int> stream("service-window-adapts", compss::at_most_once, 4);
    auto [copy, ticket] = task_ticket(stream, true);
    EXPECT_GE(window_cuts_over_a_stall(ticket, stream, ""), 1u);  // (the default: 1000 µs)
    copy.end_task(true, {});
  }
  {
    ObjectStream<int> stream("service-window-fixed", compss::at_most_once, 4);
    auto [copy, ticket] = task_ticket(stream, true);
    EXPECT_EQ(window_cuts_over_a_stall(ticket, stream, "0"), 0u);
    copy.end_task(true, {});
  }
}

TEST_P(StreamServiceTest, IsClosedRightAfterThePollThatTookTheLastElementsNeedsNoRoundTrip) {
  PrefetchScope off(0);  // (with prefetch: IsClosedStaysFalseWhilePrefetchedElementsAreUnread)
  ObjectStream<int> stream("service-closed-after-poll", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  stream.publish(std::vector<int>{1, 2, 3});
  stream.close();
  auto c = ObjectStream<int>::from_ticket(cticket);
  EXPECT_EQ(c.poll(5.0), (std::vector<int>{1, 2, 3}));
  servers_.stop();  // the master's service is unreachable from now on
  EXPECT_TRUE(c.is_closed());  // (the poll's answer said so; before: a call, which failed)
  EXPECT_THROW(c.is_closed(), compss::Error);  // a later one asks the master
  ccopy.end_task(true, {});
}

INSTANTIATE_TEST_SUITE_P(Transports, StreamServiceTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PeerToPeer" : "ThroughTheMaster"; });

// ---- elements from producer to consumer (net/stream_elements.hpp) ----------------------

using PeerToPeerTest = StreamServiceTest;
INSTANTIATE_TEST_SUITE_P(Transports, PeerToPeerTest, ::testing::Values(true),
                         [](const auto&) { return "PeerToPeer"; });

std::vector<char> payload(int i) { return std::vector<char>(1000, static_cast<char>('a' + i % 26)); }

/// Polls `s` until it is closed; checks it got payload(0..n-1), in order.
void expect_payloads(ObjectStream<std::vector<char>>& s, int n) {
  std::vector<std::vector<char>> got;
  while (!s.is_closed()) {
    for (auto& v : s.poll(0.05)) got.push_back(std::move(v));
  }
  ASSERT_EQ(got.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], payload(i));
}

/// Sends the queued releases until no element is held (20 s at most), and checks none is.
/// (The service keeps a consumer's last poll's references until that consumer's next call
/// or until its connection's thread sees it closed, a moment after its handle went.)
void expect_every_element_released() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  compss::net::flush_element_releases();
  while (compss::net::held_element_count() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    compss::net::flush_element_releases();
  }
  EXPECT_EQ(compss::net::held_element_count(), 0u);
}

TEST_P(PeerToPeerTest, AtMostOnceElementsGoFromProducerToConsumerWithoutPassingThroughTheMaster) {
  ObjectStream<std::vector<char>> stream("p2p-amo", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  const std::uint64_t relayed_before = compss::net::stream_bytes_relayed();
  std::atomic<bool> consumed{false};
  std::thread producer([&, t = pticket] {
    auto s = ObjectStream<std::vector<char>>::from_ticket(t);
    for (int i = 0; i < 200; ++i) s.publish(payload(i));
    s.close();
    // (The task ends once its consumer has everything: nothing is left to hand over.)
    while (!consumed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  });
  {
    auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
    expect_payloads(c, 200);
  }
  // Each dropped by its holder once its consumer confirmed it received it (the master's
  // release; every 50 ms in a run).
  expect_every_element_released();
  consumed = true;
  producer.join();
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
  EXPECT_EQ(compss::net::stream_bytes_relayed(), relayed_before);  // 200 kB, none through the master
}

TEST_P(PeerToPeerTest, AtLeastOnceElementsStayWithTheirProducerUntilEveryConsumerFinishedWithThem) {
  ObjectStream<std::vector<char>> stream("p2p-alo", compss::at_least_once, 64);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [c1copy, c1ticket] = task_ticket(stream, false);
  auto [c2copy, c2ticket] = task_ticket(stream, false);
  const std::uint64_t relayed_before = compss::net::stream_bytes_relayed();
  auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
  for (int i = 0; i < 30; ++i) p.publish(payload(i));
  p.close();
  pcopy.end_task(true, {});
  EXPECT_EQ(compss::net::held_element_count(), 30u);
  for (StreamTicket* t : {&c1ticket, &c2ticket}) {
    auto c = ObjectStream<std::vector<char>>::from_ticket(*t);
    expect_payloads(c, 30);
  }
  EXPECT_EQ(compss::net::stream_bytes_relayed(), relayed_before);
  // Both consumer tasks end well: the log drops the references, their holder the bytes.
  c1copy.end_task(true, {});
  c2copy.end_task(true, {});
  expect_every_element_released();
}

TEST_P(PeerToPeerTest, WhatNobodyFetchedWhenTheProducerEndsIsHandedToTheMasterAndOutlivesItsWorker) {
  ObjectStream<std::vector<char>> stream("p2p-handover", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  const std::uint64_t relayed_before = compss::net::stream_bytes_relayed();
  {
    auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
    for (int i = 0; i < 5; ++i) p.publish(payload(i));
    EXPECT_EQ(compss::net::held_element_count(), 5u);  // held by the producer's worker
    EXPECT_EQ(compss::net::stream_bytes_relayed(), relayed_before);
  }  // the task ends: its handle goes
  pcopy.end_task(true, {});
  EXPECT_EQ(compss::net::held_element_count(), 0u);  // the worker may go now
  EXPECT_EQ(compss::net::stream_bytes_relayed() - relayed_before, 5u * 1000u + 5u * 8u);
  auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
  expect_payloads(c, 5);
  ccopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, TheProgramPollsElementsAWorkerHoldsFromThatWorker) {
  ObjectStream<std::vector<char>> stream("p2p-program", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  const std::uint64_t relayed_before = compss::net::stream_bytes_relayed();
  auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
  for (int i = 0; i < 3; ++i) p.publish(payload(i));
  p.close();
  expect_payloads(stream, 3);
  EXPECT_EQ(compss::net::stream_bytes_relayed(), relayed_before);
  expect_every_element_released();  // (released once the program's poll returned them)
  pcopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, ElementsAProducersWorkerHeldWhenItDiedComeFromItsRetriedAttempt) {
  ObjectStream<std::vector<char>> stream("p2p-producer-lost", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  auto lost = ObjectStream<std::vector<char>>::from_ticket(first);
  with_publishes_answered([&] {
    for (int i = 0; i < 4; ++i) lost.publish(payload(i));
  });
  // Its worker is SIGKILLed: what it held is gone, nothing was handed over.
  ASSERT_EQ(compss::net::held_element_count(), 4u);
  compss::net::drop_held_elements();
  // The master runs the producer again elsewhere: the same sequence, from the start.
  StreamTicket retry = pcopy.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<std::vector<char>>::from_ticket(retry);
    for (int i = 0; i < 6; ++i) again.publish(payload(i));
    again.close();
    expect_payloads(stream, 6);
  }
  pcopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, AConnectionInUseWhenTheConnectorIsReplacedIsClosedNotKept) {
  // (The master's end: a release being sent while its StreamService goes must not leave a
  // connection in the idle pool, which outlives the io_context it runs on.)
  std::atomic<int> phase{0};
  compss::net::set_stream_connector([&](const std::string&, std::uint16_t) {
    auto master_end = servers_.connect();
    phase = 1;
    while (phase.load() != 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return master_end;
  });
  (void)compss::net::make_remote_element("holder", 7, 42, nullptr);  // gone: a release is queued
  std::thread flusher([] { compss::net::flush_element_releases(); });
  while (phase.load() != 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  compss::net::set_stream_connector(nullptr);
  phase = 2;
  flusher.join();
  EXPECT_EQ(compss::net::idle_element_connection_count(), 0u);
}

TEST_P(PeerToPeerTest, AConsumerWaitsForARetriedProducerSlowerThanAnyFixedWait) {
  compss::net::set_lost_element_wait(std::chrono::milliseconds(100));  // (slots known: not used)
  ObjectStream<std::vector<char>> stream("p2p-slow-retry", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  auto lost = ObjectStream<std::vector<char>>::from_ticket(first);
  for (int i = 0; i < 4; ++i) lost.publish(payload(i));
  compss::net::drop_held_elements();  // its worker is SIGKILLed
  std::atomic<bool> polling{false};
  std::thread retry([&] {
    while (!polling.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // slow to come back
    StreamTicket t = pcopy.ticket();
    t.port = 1;
    auto again = ObjectStream<std::vector<char>>::from_ticket(t);
    for (int i = 0; i < 6; ++i) again.publish(payload(i));
    again.close();
  });
  polling = true;
  EXPECT_NO_THROW(expect_payloads(stream, 6));  // (before: "lost" after the fixed wait)
  retry.join();
  pcopy.end_task(true, {});
  compss::net::set_lost_element_wait(std::chrono::seconds(60));
}

TEST_P(PeerToPeerTest, AnElementWhoseProducerFailedForGoodIsReportedLostWhenItsSlotCloses) {
  compss::net::set_lost_element_wait(std::chrono::hours(1));  // (slots known: not used)
  ObjectStream<std::vector<char>> stream("p2p-lost-for-good", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  auto lost = ObjectStream<std::vector<char>>::from_ticket(first);
  lost.publish(payload(0));
  compss::net::drop_held_elements();  // its worker is SIGKILLed, and no retry is left
  std::thread fail([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    pcopy.end_task(false, "worker lost");
  });
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)stream.poll(5.0);
  } catch (const compss::Error& e) {
    error = e.what();
  }
  fail.join();
  EXPECT_NE(error.find("lost"), std::string::npos) << error;
  // (Told once the slot closed, not after a fixed wait: 60 s before.)
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  compss::net::set_lost_element_wait(std::chrono::seconds(60));
}

std::vector<char> small_payload(int i) { return std::vector<char>(64, static_cast<char>('a' + i % 26)); }

TEST_P(PeerToPeerTest, SmallElementsTravelInlineWithoutAFetchAndOutliveTheirProducersWorker) {
  compss::net::set_lost_element_wait(std::chrono::hours(1));  // (slots known: not used)
  ObjectStream<std::vector<char>> stream("p2p-inline", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  const std::uint64_t relayed_before = compss::net::stream_bytes_relayed();
  const std::uint64_t fetches_before = compss::net::stream_fetch_requests();
  auto p = ObjectStream<std::vector<char>>::from_ticket(first);
  with_publishes_answered([&] {
    for (int i = 0; i < 5; ++i) p.publish(small_payload(i));
  });
  EXPECT_EQ(compss::net::held_element_count(), 0u);  // (before: 5, held by its worker)
  // Their bytes went to the master with the publishes (64 B and their length each).
  EXPECT_EQ(compss::net::stream_bytes_relayed() - relayed_before, 5u * (64u + 8u));
  compss::net::drop_held_elements();  // its worker is SIGKILLed, and no retry is left
  pcopy.end_task(false, "worker lost");
  auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
  Drained<std::vector<char>> d = drain(c);
  // Every element, then the producer's failure (before: none, "element K was lost with its
  // producer's worker").
  EXPECT_NE(d.error.find("failed producer"), std::string::npos) << d.error;
  EXPECT_EQ(d.error.find("was lost"), std::string::npos) << d.error;
  ASSERT_EQ(d.got.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(d.got[static_cast<std::size_t>(i)], small_payload(i));
  EXPECT_EQ(compss::net::stream_fetch_requests(), fetches_before);  // no holder asked
  ccopy.end_task(true, {});
  compss::net::set_lost_element_wait(std::chrono::seconds(60));
}

TEST_P(PeerToPeerTest, AStreamMixingSmallAndLargeElementsKeepsItsOrderOnlyTheLargeAreFetched) {
  ObjectStream<std::vector<char>> stream("p2p-inline-mixed", compss::at_least_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  auto element = [](int i) { return i % 2 == 0 ? small_payload(i) : payload(i); };
  {
    auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
    for (int i = 0; i < 6; ++i) p.publish(element(i));
    p.close();
    EXPECT_EQ(compss::net::held_element_count(), 3u);  // the 1 kB ones only
    const std::uint64_t fetches_before = compss::net::stream_fetch_requests();
    auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
    Drained<std::vector<char>> d = drain(c);
    EXPECT_EQ(d.error, "");
    ASSERT_EQ(d.got.size(), 6u);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(d.got[static_cast<std::size_t>(i)], element(i));
    EXPECT_GE(compss::net::stream_fetch_requests() - fetches_before, 1u);  // peer to peer
  }
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
  expect_every_element_released();
}

// A retry may send inline what its lost attempt's worker held (here: smaller elements; in
// a run, a worker with a larger COMPSS_STREAM_INLINE_BYTES): the old references, pointing
// at the dead worker, get the retry's bytes.
TEST_P(PeerToPeerTest, HeldElementsOfALostAttemptAreRefilledFromItsRetrysInlineOnes) {
  compss::net::set_lost_element_wait(std::chrono::milliseconds(100));  // (slots known: not used)
  ObjectStream<std::vector<char>> stream("p2p-held-then-inline", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  auto lost = ObjectStream<std::vector<char>>::from_ticket(first);
  with_publishes_answered([&] {
    for (int i = 0; i < 3; ++i) lost.publish(payload(i));  // (1000 B: held by its worker)
  });
  ASSERT_EQ(compss::net::held_element_count(), 3u);
  compss::net::drop_held_elements();  // its worker is SIGKILLed
  StreamTicket retry = pcopy.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<std::vector<char>>::from_ticket(retry);
    for (int i = 0; i < 5; ++i) again.publish(small_payload(i));  // inline
    again.close();
  }
  Drained<std::vector<char>> d = drain(stream);
  EXPECT_EQ(d.error, "");
  ASSERT_EQ(d.got.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(d.got[static_cast<std::size_t>(i)], small_payload(i));
  pcopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, AWorkersPublishOfSmallElementsStillWaitsWhileTheStreamIsFull) {
  ObjectStream<std::vector<char>> stream("p2p-inline-full", compss::at_most_once, 4);
  auto [pcopy, pticket] = task_ticket(stream, true);
  std::atomic<int> published{0};
  std::thread producer([&, t = pticket] {
    auto p = ObjectStream<std::vector<char>>::from_ticket(t);
    with_publishes_answered([&] {
      for (int i = 0; i < 8; ++i) {
        p.publish(small_payload(i));
        published = i + 1;
      }
    });
    p.close();
  });
  // 4 held by the channel, the 5th waits on the master.
  for (int i = 0; i < 1000 && published.load() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(published.load(), 4) << "the first 4 small elements were not published within 10 s";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(published.load(), 4);
  Drained<std::vector<char>> d = drain(stream);
  producer.join();
  ASSERT_EQ(d.got.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(d.got[static_cast<std::size_t>(i)], small_payload(i));
  pcopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, AHolderThatCouldNotBeReachedOnceIsTriedAgainForFetchesAndReleases) {
  compss::net::set_unreachable_backoff(std::chrono::milliseconds(0));  // (1 s in a run)
  ObjectStream<std::vector<char>> stream("p2p-unreachable-once", compss::at_least_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, first] = task_ticket(stream, false);
  auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);  // (its task still runs)
  for (int i = 0; i < 5; ++i) p.publish(payload(i));
  p.close();
  // The holder's first connection fails (a moment's network trouble), later ones work.
  std::atomic<bool> failed{false};
  compss::net::set_stream_connector([this, &failed](const std::string& host, std::uint16_t) {
    if (!host.empty() && !failed.exchange(true)) throw compss::Error("connection refused (test)");
    return servers_.connect();
  });
  {
    auto c = ObjectStream<std::vector<char>>::from_ticket(first);
    EXPECT_THROW(
        while (!c.is_closed()) (void)c.poll(0.05), compss::Error);  // the element's fetch failed
  }
  ASSERT_TRUE(failed.load());
  // The consumer task fails and is retried (at_least_once: from the start): it gets all.
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  {
    auto c = ObjectStream<std::vector<char>>::from_ticket(retry);
    expect_payloads(c, 5);
  }
  ccopy.end_task(true, {});  // finished with: the holder is told to drop them
  expect_every_element_released();
  pcopy.end_task(true, {});
  compss::net::set_unreachable_backoff(std::chrono::seconds(1));
}

/// A consumer handle (the program's or a worker task's) polling one batch of three elements
/// whose first was lost: it gets the other two, then the loss as its next poll's error.
void expect_batch_survives_a_lost_element(ObjectStream<std::vector<char>>& consumer) {
  std::vector<std::vector<char>> got;
  EXPECT_NO_THROW(got = consumer.poll(5.0));
  EXPECT_EQ(got, (std::vector<std::vector<char>>{payload(1), payload(2)}));
  EXPECT_FALSE(consumer.is_closed());  // a consumer loop comes to the error
  try {
    (void)consumer.poll(0.0);
    ADD_FAILURE() << "the lost element was not reported";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("lost"), std::string::npos) << e.what();
  }
}

TEST_P(PeerToPeerTest, OneLostElementDoesNotCostTheRestOfItsPollsBatch) {
  for (bool on_worker : {false, true}) {
    SCOPED_TRACE(on_worker ? "a worker's consumer" : "the program's consumer");
    ObjectStream<std::vector<char>> stream(on_worker ? "p2p-batch-w" : "p2p-batch-m",
                                           compss::at_most_once, 16);
    auto [pcopy, pticket] = task_ticket(stream, true);
    auto [ccopy, cticket] = task_ticket(stream, false);
    auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);  // (its task still runs)
    p.publish(payload(0));
    compss::net::drop_held_elements();  // lost: its holder no longer has it
    p.publish(payload(1));
    p.publish(payload(2));
    p.close();
    if (on_worker) {
      auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
      expect_batch_survives_a_lost_element(c);
    } else {
      expect_batch_survives_a_lost_element(stream);
    }
    ccopy.end_task(true, {});
    pcopy.end_task(true, {});
  }
}

TEST_P(PeerToPeerTest, ARetryRefillsWhatAnInterruptedPublishOfItsLostAttemptHadAdded) {
  ObjectStream<std::string> stream("p2p-partial-publish", compss::at_most_once, 2);
  auto channel = compss::detail::find_stream_channel(stream.id());
  ASSERT_NE(channel, nullptr);
  auto [pcopy, first] = task_ticket(stream, true);
  auto lost = ObjectStream<std::string>::from_ticket(first);  // (killed: never hands over)
  {
    auto [ccopy, cticket] = task_ticket(stream, false);
    std::thread consumer_fails([&, &ccopy = ccopy] {
      while (channel->buffered() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ccopy.end_task(false, "its worker died");  // the last consumer task: nothing takes more
    });
    // Three into a stream of two: two are accepted, the third waits, then the publish
    // fails (pipelined: the handle's next call throws it).
    lost.publish(std::vector<std::string>{"e0", "e1", "e2"});
    EXPECT_THROW(lost.close(), compss::Error);
    consumer_fails.join();
  }
  compss::net::drop_held_elements();  // the producer's worker dies too
  // The producer runs again (a new consumer task too): the same sequence from the start.
  auto [ccopy, cticket] = task_ticket(stream, false);
  StreamTicket retry = pcopy.ticket();
  retry.port = 1;
  std::thread producer([t = retry] {
    auto again = ObjectStream<std::string>::from_ticket(t);
    again.publish(std::vector<std::string>{"e0", "e1", "e2"});
    again.close();
  });
  std::vector<std::string> got;
  std::string error;
  try {
    auto c = ObjectStream<std::string>::from_ticket(cticket);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!c.is_closed() && std::chrono::steady_clock::now() < deadline) {
      for (std::string& v : c.poll(0.05)) got.push_back(std::move(v));
    }
  } catch (const compss::Error& e) {
    error = e.what();
  }
  producer.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(got, (std::vector<std::string>{"e0", "e1", "e2"}));
  ccopy.end_task(true, {});
  pcopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, AWorkerRestartedOnTheSameHostAndPortDoesNotServeItsElementForAStaleReference) {
  ObjectStream<std::vector<char>> stream("p2p-stale-ref", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  {
    auto lost = ObjectStream<std::vector<char>>::from_ticket(first);
    lost.publish(payload(0));  // the master holds a reference to it
    // Its worker is SIGKILLed and a new worker process starts on the same host and port.
    compss::net::restart_element_holder();
  }
  pcopy.end_task(false, "worker lost");  // (no retry left)
  // The new process's first element, of another stream.
  ObjectStream<std::vector<char>> other("p2p-stale-other", compss::at_most_once, 16);
  auto [ocopy, oticket] = task_ticket(other, true);
  auto o = ObjectStream<std::vector<char>>::from_ticket(oticket);
  o.publish(payload(7));
  ASSERT_EQ(compss::net::held_element_count(), 1u);
  // The stale reference is not the new process's element: it is lost, as with a dead holder.
  std::vector<std::vector<char>> got;
  std::string error;
  try {
    got = stream.poll(5.0);
  } catch (const compss::Error& e) {
    error = e.what();
  }
  EXPECT_EQ(got, std::vector<std::vector<char>>{});  // (before: payload(7), the wrong element)
  EXPECT_NE(error.find("lost"), std::string::npos) << error;
  EXPECT_EQ(compss::net::held_element_count(), 1u);  // still the new process's
  o.close();
  std::vector<std::vector<char>> others;
  while (!other.is_closed()) {
    for (auto& v : other.poll(0.05)) others.push_back(std::move(v));
  }
  EXPECT_EQ(others, std::vector<std::vector<char>>{payload(7)});
  expect_every_element_released();
  ocopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, AReferenceNamingAHostOtherThanItsSendersIsRefused) {
  {
    ObjectStream<std::vector<char>> stream("p2p-foreign-host", compss::at_most_once, 16);
    auto [pcopy, pticket] = task_ticket(stream, true);
    const std::uint64_t made_before = compss::net::stream_references_made();
    // A worker the master sees at 10.0.0.7 names another host as the holder of its element.
    compss::net::StreamCall publish{.op = compss::net::StreamCall::publish, .stream = stream.id(),
                                    .slot = pticket.producer, .attempt = pticket.attempt};
    publish.elements.push_back({.key = 5, .host = "10.0.0.8", .port = 7});
    compss::net::StreamReply reply = compss::net::answer_stream_call(publish, "10.0.0.7", nullptr);
    EXPECT_NE(reply.error.find("10.0.0.8"), std::string::npos) << reply.error;
    EXPECT_EQ(compss::net::stream_references_made(), made_before);  // nothing accepted
    auto channel = compss::detail::find_stream_channel(stream.id());
    ASSERT_NE(channel, nullptr);
    EXPECT_EQ(channel->buffered(), 0u);
    // A hand-over naming another host is refused too; its own host (or none) is its own.
    compss::net::StreamCall hand{.op = compss::net::StreamCall::hand_over, .stream = stream.id()};
    hand.elements.push_back({.bytes = {std::byte{1}}, .key = 5, .host = "10.0.0.8", .port = 7});
    EXPECT_NE(compss::net::answer_stream_call(hand, "10.0.0.7", nullptr).error, "");
    publish.elements = {{.key = 5, .host = "10.0.0.7", .port = 7}};
    EXPECT_EQ(compss::net::answer_stream_call(publish, "10.0.0.7", nullptr).error, "");
    EXPECT_EQ(channel->buffered(), 1u);
    pcopy.end_task(true, {});
    channel.reset();
  }
  compss::net::flush_element_releases();  // (the stream's reference is gone: its release)
}

TEST_P(PeerToPeerTest, TheMastersLogOfProducersStaysBoundedOverManyStreamsAndProducers) {
  const std::size_t logs_at_start = compss::net::producer_log_count();  // (process-wide)
  // A producer still running keeps its log: its retry still refills what its worker lost;
  // so does one that closed its slot but whose task had not ended when its worker died.
  ObjectStream<std::vector<char>> kept("p2p-log-kept", compss::at_most_once, 16);
  ObjectStream<std::vector<char>> closed("p2p-log-closed", compss::at_most_once, 16);
  auto [kcopy, kticket] = task_ticket(kept, true);
  auto [ccopy, cticket] = task_ticket(closed, true);
  {
    auto lost = ObjectStream<std::vector<char>>::from_ticket(kticket);
    for (int i = 0; i < 2; ++i) lost.publish(payload(i));
    auto lost_closed = ObjectStream<std::vector<char>>::from_ticket(cticket);
    for (int i = 0; i < 2; ++i) lost_closed.publish(payload(i));
    lost_closed.close();
    compss::net::drop_held_elements();  // their worker is SIGKILLed
  }
  // Many streams come and go, and many producers of one stream end.
  ObjectStream<std::vector<char>> shared("p2p-log-shared", compss::at_most_once, 16);
  for (int i = 0; i < 150; ++i) {
    ObjectStream<std::vector<char>> stream("p2p-log-" + std::to_string(i), compss::at_most_once, 4);
    for (ObjectStream<std::vector<char>>* s : {&stream, &shared}) {
      auto [pcopy, pticket] = task_ticket(*s, true);
      {
        auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
        p.publish(payload(i));
      }
      pcopy.end_task(true, {});
    }
    EXPECT_EQ(stream.poll(5.0), std::vector<std::vector<char>>{payload(i)});
    EXPECT_EQ(shared.poll(5.0), std::vector<std::vector<char>>{payload(i)});
  }
  // (300 producers: each left a log before.)
  EXPECT_LE(compss::net::producer_log_count(), logs_at_start + 64);
  for (auto [copy, s, n] : {std::tuple{&kcopy, &kept, 3}, std::tuple{&ccopy, &closed, 2}}) {
    StreamTicket retry = copy->ticket();
    retry.port = 1;
    {
      auto again = ObjectStream<std::vector<char>>::from_ticket(retry);
      for (int i = 0; i < n; ++i) again.publish(payload(i));
      again.close();
      expect_payloads(*s, n);
    }
    copy->end_task(true, {});
  }
}

TEST_P(PeerToPeerTest, AConsumerWaitingForALostElementIsWokenByItsSlotsCloseNotByRechecks) {
  for (bool on_worker : {false, true}) {
    SCOPED_TRACE(on_worker ? "a worker's consumer" : "the program's consumer");
    ObjectStream<std::vector<char>> stream(on_worker ? "p2p-woken-w" : "p2p-woken-m",
                                           compss::at_most_once, 16);
    auto [pcopy, pticket] = task_ticket(stream, true);
    auto [ccopy, cticket] = task_ticket(stream, false);
    {
      auto lost = ObjectStream<std::vector<char>>::from_ticket(pticket);
      lost.publish(payload(0));
      compss::net::drop_held_elements();  // its worker is SIGKILLed (its task not ended yet)
    }
    const std::uint64_t before = compss::net::lost_element_checks();
    std::string error;
    std::thread consumer([&, t = cticket] {
      try {
        if (on_worker) {
          auto c = ObjectStream<std::vector<char>>::from_ticket(t);
          (void)c.poll(120.0);
        } else {
          (void)stream.poll(120.0);
        }
      } catch (const compss::Error& e) {
        error = e.what();
      }
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (compss::net::lost_element_checks() == before && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GT(compss::net::lost_element_checks(), before) << "the consumer never waited";
    // Time passes and nothing it waits for happens: it does not look again meanwhile.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_LE(compss::net::lost_element_checks() - before, 2u);  // (before: one per 100 ms)
    pcopy.end_task(false, "worker lost");  // no retry left: the close wakes it
    consumer.join();
    EXPECT_NE(error.find("lost"), std::string::npos) << error;
    ccopy.end_task(true, {});
  }
}

// ---- batched fetches (net/stream_elements.hpp) -----------------------------------------

/// A producer task's handle from `ticket` publishes payload(0..n-1) and closes. Keep it:
/// while it lives, its elements stay with it (its end hands them to the master).
ObjectStream<std::vector<char>> publish_payloads(const StreamTicket& ticket, int n) {
  auto p = ObjectStream<std::vector<char>>::from_ticket(ticket);
  for (int i = 0; i < n; ++i) p.publish(payload(i));
  p.close();
  return p;
}

TEST_P(PeerToPeerTest, APollFetchesItsElementsFromTheirHolderInOneRequest) {
  ObjectStream<std::vector<char>> stream("p2p-batch", compss::at_least_once, 64);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  {
    auto p = publish_payloads(pticket, 40);
    const std::uint64_t requests_before = compss::net::stream_fetch_requests();
    auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
    std::vector<std::vector<char>> got = c.poll(5.0);
    ASSERT_EQ(got.size(), 40u);  // (all buffered: one poll takes them)
    for (int i = 0; i < 40; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], payload(i));
    EXPECT_EQ(compss::net::stream_fetch_requests() - requests_before, 1u);  // (before: 40)
    EXPECT_TRUE(c.is_closed());
  }
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, AFetchReplyStaysWithinItsByteBudgetTheRestComesInMoreRequests) {
  ObjectStream<std::vector<char>> stream("p2p-fetch-budget", compss::at_most_once, 64);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  compss::net::set_stream_fetch_budget(2500);  // two elements of 1 kB and their framing
  {
    auto p = publish_payloads(pticket, 10);
    const std::uint64_t requests_before = compss::net::stream_fetch_requests();
    auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
    expect_payloads(c, 10);
    EXPECT_GE(compss::net::stream_fetch_requests() - requests_before, 5u);
  }
  compss::net::set_stream_fetch_budget(std::size_t{16} << 20);
  EXPECT_EQ(compss::net::held_element_count(), 0u);  // each taken once
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

TEST_P(PeerToPeerTest, APollsBudgetCountsTheBytesOfTheElementsItRefersTo) {
  // (A poll's consumer fetches every element of the reply before the poll returns: 256
  // references to 1 MiB elements would be 256 MiB fetched while the other consumers wait.)
  ObjectStream<std::vector<char>> stream("p2p-poll-budget", compss::at_most_once, 64);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  compss::net::set_stream_reply_budget(2500);
  {
    auto p = publish_payloads(pticket, 10);
    auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
    std::vector<std::vector<char>> got;
    const std::size_t largest = poll_until_closed(c, got);
    EXPECT_LE(largest, 2u);  // (before: all 10 references in one reply)
    ASSERT_EQ(got.size(), 10u);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], payload(i));
  }
  compss::net::set_stream_reply_budget(std::size_t{16} << 20);
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

}  // namespace

// ---- a producer's flow control (wait_to_hold, net/stream_elements.hpp) -----------------

namespace {

/// Restores the default bound when a test ends.
struct UnfetchedBound {
  UnfetchedBound(std::size_t bytes, std::chrono::milliseconds idle) {
    compss::net::set_unfetched_bound(bytes, idle);
  }
  ~UnfetchedBound() {
    compss::net::set_unfetched_bound(compss::net::default_unfetched_bound, std::chrono::seconds(1));
    compss::net::drop_held_elements();
  }
};

/// Waits (20 s at most) until wait_to_hold has blocked `n` times in all.
bool blocked_times(std::uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (compss::net::unfetched_bound_waits() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

TEST(StreamFlowControl, AProducerPastTheBoundOfUnfetchedBytesWaitsForAConsumersFetch) {
  UnfetchedBound bound(3100, std::chrono::minutes(5));  // (no idle give-up in this test)
  const std::uint64_t stream = 9001;
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 3; ++i) keys.push_back(compss::net::hold_element(std::vector<std::byte>(1000), stream));
  compss::net::wait_to_hold(stream, 0);  // (under the bound, not past it: no wait)
  const std::uint64_t waits = compss::net::unfetched_bound_waits();
  std::atomic<bool> held{false};
  std::thread producer([&] {
    compss::net::wait_to_hold(stream, 1000);
    held = true;
  });
  ASSERT_TRUE(blocked_times(waits + 1));
  EXPECT_FALSE(held.load());
  // Another stream's elements do not count against this one's bound.
  compss::net::hold_element(std::vector<std::byte>(2000), stream + 1);
  compss::net::wait_to_hold(stream + 1, 1000);
  // A consumer fetches one (at_least_once: it stays held, but fetched): room for one more.
  std::vector<compss::net::WireElement> asked{{.key = keys[0]}};
  ASSERT_EQ(compss::net::serve_held_elements(asked, false, 1 << 20).size(), 1u);
  producer.join();
  EXPECT_TRUE(held.load());
  EXPECT_EQ(compss::net::unfetched_bound_waits(), waits + 1);
  // Fetching it again frees nothing more; releasing an unfetched one does.
  compss::net::hold_element(std::vector<std::byte>(1000), stream);
  compss::net::serve_held_elements(asked, false, 1 << 20);
  std::thread second([&] { compss::net::wait_to_hold(stream, 1000); });
  ASSERT_TRUE(blocked_times(waits + 2));
  compss::net::release_held_elements(std::span(keys).subspan(1, 1));
  second.join();
}

TEST(StreamFlowControl, ByDefaultOneMiBElementWaitsReadyWhileOneIsFetched) {
  // The default bound (not set here) is a queue's delay in front of the consumers: a
  // 1-MiB element (the benchmark's, with its codec's few bytes) waits until the one before
  // is fetched; two just under 1 MiB may wait unfetched (one ready while one is fetched).
  // (With the former 4 MiB, three 1-MiB elements waited, and this producer did not.)
  struct Drop {
    ~Drop() { compss::net::drop_held_elements(); }
  } drop;
  const std::size_t mib = std::size_t{1} << 20;
  const std::uint64_t stream = 9011;
  const std::uint64_t first = compss::net::hold_element(std::vector<std::byte>(mib + 16), stream);
  const std::uint64_t waits = compss::net::unfetched_bound_waits();
  std::thread producer([&] { compss::net::wait_to_hold(stream, mib + 16); });
  ASSERT_TRUE(blocked_times(waits + 1));
  std::vector<compss::net::WireElement> asked{{.key = first}};
  ASSERT_EQ(compss::net::serve_held_elements(asked, true, 2 * mib).size(), 1u);
  producer.join();
  const std::size_t under = mib - 4096;
  compss::net::hold_element(std::vector<std::byte>(under), stream + 1);
  compss::net::wait_to_hold(stream + 1, under);
  EXPECT_EQ(compss::net::unfetched_bound_waits(), waits + 1);
}

TEST(StreamFlowControl, SmallElementsAreBoundedInNumber) {
  // 64-byte elements would never reach a bound in bytes: each counts 1/128 of it.
  UnfetchedBound bound(128 * 100, std::chrono::minutes(5));
  const std::uint64_t stream = 9005;
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 128; ++i) keys.push_back(compss::net::hold_element(std::vector<std::byte>(10), stream));
  const std::uint64_t waits = compss::net::unfetched_bound_waits();
  std::thread producer([&] { compss::net::wait_to_hold(stream, 10); });
  ASSERT_TRUE(blocked_times(waits + 1));
  std::vector<compss::net::WireElement> asked{{.key = keys[0]}};
  ASSERT_EQ(compss::net::serve_held_elements(asked, true, 1 << 20).size(), 1u);
  producer.join();
}

TEST(StreamFlowControl, ABatchOfSmallElementsCountsEachOfItsElements) {
  // Bound 12800 bytes: a small element counts 100. 100 held unfetched count 10000; a batch
  // of 50 more counts 5000 and passes the bound (before: the batch counted as one element,
  // 100, and went: a producer publishing lists ran past the 128-element bound).
  UnfetchedBound bound(128 * 100, std::chrono::minutes(5));
  const std::uint64_t stream = 9006;
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 100; ++i) keys.push_back(compss::net::hold_element(std::vector<std::byte>(10), stream));
  const std::uint64_t waits = compss::net::unfetched_bound_waits();
  const std::vector<std::size_t> batch(50, 10);
  std::atomic<bool> went{false};
  std::thread producer([&] {
    compss::net::wait_to_hold(stream, batch);
    went = true;
  });
  ASSERT_TRUE(blocked_times(waits + 1));
  // 22 fetched: 7800 + 5000 = 12800, the bound: the batch goes.
  std::vector<compss::net::WireElement> asked;
  for (int i = 0; i < 21; ++i) asked.push_back({.key = keys[i]});
  ASSERT_EQ(compss::net::serve_held_elements(asked, true, 1 << 20).size(), 21u);
  EXPECT_FALSE(went.load());  // (21 fetched: still 200 past it)
  std::vector<compss::net::WireElement> one{{.key = keys[21]}};
  ASSERT_EQ(compss::net::serve_held_elements(one, true, 1 << 20).size(), 1u);
  producer.join();
  EXPECT_TRUE(went.load());
}

TEST(StreamFlowControl, WithoutAnyFetchForTheIdleTimeAProducerRunsOnUnboundedUntilOneComes) {
  // A consumer that polls only once its producer ended must not hang the producer.
  UnfetchedBound bound(1000, std::chrono::milliseconds(50));
  const std::uint64_t stream = 9003;
  const std::uint64_t first = compss::net::hold_element(std::vector<std::byte>(1000), stream);
  const std::uint64_t waits = compss::net::unfetched_bound_waits();
  compss::net::wait_to_hold(stream, 1000);  // waits the idle time, then gives up the bound
  EXPECT_EQ(compss::net::unfetched_bound_waits(), waits + 1);
  for (int i = 0; i < 5; ++i) {
    compss::net::hold_element(std::vector<std::byte>(1000), stream);
    compss::net::wait_to_hold(stream, 1000);  // no more waits
  }
  EXPECT_EQ(compss::net::unfetched_bound_waits(), waits + 1);
  // A fetch: consumers are taking them again, the bound is back.
  std::vector<compss::net::WireElement> asked{{.key = first}};
  ASSERT_EQ(compss::net::serve_held_elements(asked, true, 1 << 20).size(), 1u);
  compss::net::wait_to_hold(stream, 1000);
  EXPECT_EQ(compss::net::unfetched_bound_waits(), waits + 2);
}

TEST_P(PeerToPeerTest, ALargeElementsProducerStaysWithinTheBoundOfUnfetchedBytesAheadOfItsConsumer) {
  // 40 elements of 1 kB into a stream of capacity 64, bound 4 kB: without the bound the
  // producer would hold all 40 unfetched before the consumer starts; with it, it waits.
  UnfetchedBound bound(4000, std::chrono::minutes(5));
  ObjectStream<std::vector<char>> stream("p2p-bound", compss::at_most_once, 64);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  const std::uint64_t waits = compss::net::unfetched_bound_waits();
  std::size_t most_held = 0;
  std::atomic<bool> consumed{false};
  std::thread producer([&, t = pticket] {
    auto s = ObjectStream<std::vector<char>>::from_ticket(t);
    for (int i = 0; i < 40; ++i) {
      s.publish(payload(i));
      most_held = std::max(most_held, compss::net::unfetched_element_count());
    }
    s.close();
    while (!consumed.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  });
  ASSERT_TRUE(blocked_times(waits + 1));  // the producer waits for a consumer...
  {
    auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
    expect_payloads(c, 40);  // ...which gets everything, in order
  }
  consumed = true;
  producer.join();
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
  EXPECT_LE(most_held, 5u);  // the bound (4 elements) and the one that waited
}

// ---- a consumer's worker dying mid-poll, a slot its handle opened (docs/streams.md) ----

/// The connections of one process (a stream task's worker) in a test: die() ends them all
/// at once, as its SIGKILL would. Armed, it dies as the first reply carrying element bytes
/// arrives (a poll's, through the master, or a holder's fetch's, peer to peer): the
/// elements left their holder and never reached the task.
class DyingProcess {
 public:
  std::shared_ptr<compss::net::Endpoint> wrap(std::shared_ptr<compss::net::Endpoint> inner) {
    std::lock_guard lock(mutex_);
    ends_.push_back(inner);
    return std::make_shared<End>(std::move(inner), *this);
  }
  void die() {
    dead_ = true;
    std::lock_guard lock(mutex_);
    for (auto& e : ends_) e->close();
  }
  std::atomic<bool> armed{false};

 private:
  class End : public compss::net::Endpoint {
   public:
    End(std::shared_ptr<compss::net::Endpoint> inner, DyingProcess& process)
        : inner_(std::move(inner)), process_(process) {}
    std::error_code send(const compss::net::Message& m) override {
      if (process_.dead_) return make_error_code(compss::net::NetError::closed);
      return inner_->send(m);
    }
    std::error_code receive(compss::net::Message& out, std::chrono::milliseconds timeout) override {
      if (process_.dead_) return make_error_code(compss::net::NetError::closed);
      std::error_code ec = inner_->receive(out, timeout);
      auto* reply = ec ? nullptr : std::get_if<compss::net::StreamReply>(&out);
      if (reply != nullptr && process_.armed &&
          std::ranges::any_of(reply->elements, [](const auto& e) { return !e.bytes.empty(); })) {
        process_.die();
        return make_error_code(compss::net::NetError::closed);
      }
      return ec;
    }
    void close() noexcept override { inner_->close(); }
    std::string peer() const override { return inner_->peer(); }

   private:
    std::shared_ptr<compss::net::Endpoint> inner_;
    DyingProcess& process_;
  };
  std::atomic<bool> dead_{false};
  std::mutex mutex_;
  std::vector<std::shared_ptr<compss::net::Endpoint>> ends_;
};

/// Stream connections made from now on are `worker`'s (null: plain ones again).
void connect_as(FakeStreamServers& servers, DyingProcess* worker) {
  if (worker == nullptr) {
    compss::net::set_stream_connector([&servers](const std::string&, std::uint16_t) { return servers.connect(); });
  } else {
    compss::net::set_stream_connector(
        [&servers, worker](const std::string&, std::uint16_t) { return worker->wrap(servers.connect()); });
  }
}

/// A stream_in task's handle publishes `values` (it opens a producer slot for them), then
/// its worker is SIGKILLed (its handle closes nothing).
void publish_and_die(FakeStreamServers& servers, const StreamTicket& ticket, std::vector<int> values) {
  DyingProcess worker;
  connect_as(servers, &worker);
  {
    auto c = ObjectStream<int>::from_ticket(ticket);
    with_publishes_answered([&] { c.publish(std::move(values)); });
    worker.die();
  }
  connect_as(servers, nullptr);
}

using Payloads = std::vector<std::vector<char>>;

/// Batch A (payloads 0, 1), published through `producer`, taken by `dying`'s poll.
void publish_and_take_a(ObjectStream<std::vector<char>>& producer, ObjectStream<std::vector<char>>& dying) {
  with_publishes_answered([&] { producer.publish(Payloads{payload(0), payload(1)}); });
  EXPECT_EQ(dying.poll(5.0), (Payloads{payload(0), payload(1)}));
}

/// The consumer task's retry (a new ticket of its master copy `ccopy`) drains exactly
/// batch B (payloads 2, 3, 4); then both tasks end.
void expect_the_retry_drains_b(ObjectStream<std::vector<char>>& pcopy, ObjectStream<std::vector<char>>& ccopy) {
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<std::vector<char>>::from_ticket(retry);
    EXPECT_EQ(drain(again).got, (Payloads{payload(2), payload(3), payload(4)}));
  }
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

// ---- a poll's prefetch (net/stream_prefetch.hpp) --------------------------------------

TEST_P(StreamServiceTest, APrefetchTakesTheNextBatchWhileTheUserWorks) {
  PrefetchScope on;
  ObjectStream<int> stream("prefetch-next", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  stream.publish(std::vector<int>{1, 2, 3});
  {
    auto c = ObjectStream<int>::from_ticket(cticket);
    EXPECT_EQ(c.poll(5.0), (std::vector<int>{1, 2, 3}));
    stream.publish(std::vector<int>{4, 5});  // while the user "works" on 1, 2, 3
    ASSERT_TRUE(wait_for_a_prefetched_batch());  // (without prefetch: never)
    const std::uint64_t calls = compss::net::stream_poll_calls();
    EXPECT_EQ(c.poll(5.0), (std::vector<int>{4, 5}));
    EXPECT_EQ(compss::net::stream_poll_calls(), calls);  // no poll on the user's path
    EXPECT_EQ(compss::net::stream_prefetched_bytes(), 0u);
  }
  ccopy.end_task(true, {});
}

// A worker's file stream consumer with prefetch: a file its handle's scan finds after the
// prefetch was told "closed" (the producers closed; the scan of a closed stream adds every
// file) is polled, not lost (before: the prefetch said closed for good, is_closed() was
// true with that file unread: e2e.distributed.streams lost 5 of its 10 frames).
TEST_P(StreamServiceTest, AFileFoundAfterThePrefetchSawTheStreamClosedIsPolled) {
  PrefetchScope on;
  const auto dir = std::filesystem::temp_directory_path() / ("compss-service-file-prefetch-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    compss::FileStream stream(dir, "service-file-prefetch", compss::at_most_once, 64);
    auto [ccopy, cticket] = task_ticket(stream, false);
    std::ofstream(dir / "a") << "a";
    stream.publish(dir / "a");
    stream.close();
    std::map<std::string, int> got;
    {
      auto c = compss::FileStream::from_ticket(cticket);
      for (const auto& p : c.poll(5.0)) ++got[p.filename().string()];
      std::ofstream(dir / "b") << "b";  // written straight into the directory, after the close
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (!c.is_closed() && std::chrono::steady_clock::now() < deadline) {
        for (const auto& p : c.poll(0.05)) ++got[p.filename().string()];
      }
    }
    ccopy.end_task(true, {});
    EXPECT_EQ(got, (std::map<std::string, int>{{"a", 1}, {"b", 1}}));
  }
  std::filesystem::remove_all(dir);
}

TEST_P(StreamServiceTest, AtMostOnceAPrefetchedBatchOfAKilledConsumerGoesToItsRetryOnly) {
  PrefetchScope on;
  ObjectStream<std::vector<char>> stream("prefetch-amo-killed", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, first] = task_ticket(stream, false);
  auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
  {
    DyingProcess worker;
    connect_as(servers_, &worker);
    auto dying = ObjectStream<std::vector<char>>::from_ticket(first);
    publish_and_take_a(p, dying);
    with_publishes_answered([&] { p.publish(std::vector<std::vector<char>>{payload(2), payload(3), payload(4)}); });
    ASSERT_TRUE(wait_for_a_prefetched_batch());  // B reached the process, its user never took it
    worker.die();  // SIGKILL
    connect_as(servers_, nullptr);
  }
  p.close();
  // Nobody else gets B (it is the dead attempt's place's)...
  EXPECT_TRUE(stream.poll(0.2).empty());
  // ...its retry gets exactly B (a prefetch that confirmed at receipt: nothing).
  expect_the_retry_drains_b(pcopy, ccopy);
}

TEST_P(StreamServiceTest, AtLeastOnceAPrefetchDoesNotCommitTheBatchTheUserHandles) {
  PrefetchScope on;
  ObjectStream<int> stream("prefetch-alo-killed", compss::at_least_once, 64);
  auto [ccopy, first] = task_ticket(stream, false);
  stream.publish(std::vector<int>{1, 2});
  {
    DyingProcess worker;
    connect_as(servers_, &worker);
    auto dead = ObjectStream<int>::from_ticket(first);
    EXPECT_EQ(dead.poll(5.0), (std::vector<int>{1, 2}));  // A: the user handles it
    stream.publish(std::vector<int>{3, 4});
    ASSERT_TRUE(wait_for_a_prefetched_batch());  // B, by a poll sent while A is handled
    worker.die();
    connect_as(servers_, nullptr);
  }
  stream.close();
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  {
    // A and B again (a prefetch poll that committed A: B only).
    auto again = ObjectStream<int>::from_ticket(retry);
    EXPECT_EQ(drain(again).got, (std::vector<int>{1, 2, 3, 4}));
  }
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, IsClosedStaysFalseWhilePrefetchedElementsAreUnread) {
  PrefetchScope on;
  ObjectStream<int> stream("prefetch-is-closed", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  stream.publish(std::vector<int>{1, 2, 3});
  {
    auto c = ObjectStream<int>::from_ticket(cticket);
    EXPECT_EQ(c.poll(5.0), (std::vector<int>{1, 2, 3}));
    stream.publish(4);
    stream.close();
    ASSERT_TRUE(wait_for_a_prefetched_batch());
    // (The master counts a place's own unconfirmed elements as received: it says closed.)
    EXPECT_FALSE(c.is_closed());
    EXPECT_EQ(c.poll(5.0), (std::vector<int>{4}));
    servers_.stop();  // the master's service is unreachable from now on
    EXPECT_TRUE(c.is_closed());  // (the confirmation's answer said so)
    EXPECT_TRUE(c.is_closed());
  }
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, AtMostOnceElementsAConsumersWorkerDiedReceivingGoToItsRetryAndNoOthers) {
  ObjectStream<std::vector<char>> stream("service-amo-lost-reply", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, first] = task_ticket(stream, false);
  auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
  DyingProcess worker;
  connect_as(servers_, &worker);
  auto dying = ObjectStream<std::vector<char>>::from_ticket(first);
  publish_and_take_a(p, dying);  // received
  // Its worker is killed while the next poll's elements arrive (armed before they are
  // published: a prefetch polls them as they come).
  worker.armed = true;
  with_publishes_answered([&] { p.publish(std::vector<std::vector<char>>{payload(2), payload(3), payload(4)}); });
  EXPECT_THROW((void)dying.poll(5.0), compss::Error);
  connect_as(servers_, nullptr);
  p.close();
  // The master runs the consumer again: it gets what the dead attempt never received, and
  // nothing it did receive (before: 2, 3 and 4 were lost, taken by the dead attempt).
  expect_the_retry_drains_b(pcopy, ccopy);
  expect_every_element_released();
}

TEST_P(StreamServiceTest, AtMostOnceElementsOfAConsumerThatFailedForGoodGoToTheOtherConsumers) {
  ObjectStream<int> stream("service-amo-given-back", compss::at_most_once, 16);
  auto [ccopy, first] = task_ticket(stream, false);
  DyingProcess worker;
  connect_as(servers_, &worker);
  auto dying = ObjectStream<int>::from_ticket(first);
  stream.publish(std::vector<int>{1, 2, 3});  // (the program's: their bytes go with the poll)
  stream.close();
  worker.armed = true;
  EXPECT_THROW((void)dying.poll(5.0), compss::Error);
  connect_as(servers_, nullptr);
  ccopy.end_task(false, "worker lost");  // no retry left: its place goes
  EXPECT_EQ(drain(stream).got, (std::vector<int>{1, 2, 3}));
}

TEST_P(StreamServiceTest, ASlotAWorkersHandleOpenedClosesWithItsTaskWhenItsWorkerDied) {
  ObjectStream<int> stream("service-own-slot-lost", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  publish_and_die(servers_, cticket, {7});
  stream.close();
  ccopy.end_task(false, "its worker was lost");  // no retry left
  auto [got, error] = drain(stream);
  EXPECT_EQ(got, (std::vector<int>{7}));
  // (Before: the slot stayed open, the loop above polled until its deadline.)
  EXPECT_NE(error.find("its worker was lost"), std::string::npos) << error;
  if (GetParam()) compss::net::drop_held_elements();  // (its worker's, gone with it)
}

TEST_P(StreamServiceTest, ARetryOfATaskWhoseHandleOpenedASlotPublishesUnderItOnce) {
  ObjectStream<int> stream("service-own-slot-retry", compss::at_most_once, 16);
  auto [ccopy, first] = task_ticket(stream, false);
  publish_and_die(servers_, first, {1, 2});
  if (GetParam()) compss::net::drop_held_elements();  // what its worker held is gone
  stream.close();
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<int>::from_ticket(retry);
    again.publish(std::vector<int>{1, 2, 3});  // the same sequence, from the start
  }
  ccopy.end_task(true, {});
  // (Before: 1, 2, 1, 2, 3, and the stream never closed: the first slot stayed open.)
  EXPECT_EQ(drain(stream).got, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(stream.is_closed());
}

// A worker's handle whose task body threw (no finish_task: StreamSlot::finish runs only
// when the task returned) leaves the place it opened to the master's end of its task, so
// the retry polls with it from what the failed attempt had not finished with.
TEST_P(StreamServiceTest, ARetryOfAProducerThatPollsItsOwnStreamGetsWhatItsThrowingAttemptTook) {
  ObjectStream<int> stream("service-own-place-throw", compss::at_least_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  StreamTicket retry = pcopy.ticket();
  retry.port = 1;
  stream.publish(std::vector<int>{1, 2, 3});
  stream.close();
  {
    auto failed = ObjectStream<int>::from_ticket(first);
    (void)failed.poll(1.0);  // a producer that polls: a place of its own
  }  // its body threw: the handle goes without finish_task
  std::vector<int> got;
  {
    auto again = ObjectStream<int>::from_ticket(retry);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got.size() < 3 && std::chrono::steady_clock::now() < deadline) {
      for (int v : again.poll(0.05)) got.push_back(v);
    }
    again.finish_task();
  }
  pcopy.end_task(true, {});
  // (Before: the removed place came back to the retry, its polls got nothing.)
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
}

// A producer that polls, given up on while it still ran: its retry gets the same place,
// and the first attempt's return (its handle removes the place) does not end it under the
// retry (before: the retry's polls were refused, "has ended").
TEST_P(StreamServiceTest, AProducerThatPollsGivenUpOnReturnsWithoutEndingItsRetrysPlace) {
  ObjectStream<int> stream("service-own-place-late-return", compss::at_most_once, 16);
  auto [pcopy, first] = task_ticket(stream, true);
  StreamTicket retry = pcopy.ticket();
  retry.port = 1;
  std::optional<ObjectStream<int>> lost = ObjectStream<int>::from_ticket(first);
  EXPECT_TRUE(lost->poll(0.0).empty());  // a place of its own
  auto again = ObjectStream<int>::from_ticket(retry);
  EXPECT_TRUE(again.poll(0.0).empty());  // the same place
  lost->finish_task();
  lost.reset();  // attempt 1 returns: its handle ends what it opened
  stream.publish(std::vector<int>{1, 2});
  stream.close();
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    for (int v : again.poll(0.05)) got.push_back(v);
  }
  again.finish_task();
  pcopy.end_task(true, {});
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
}

// A stream_in task that publishes and throws: its slot stays open for its retry, which
// publishes under it (matched by position), not under a new slot after a clean close.
TEST_P(StreamServiceTest, ARetryOfAConsumerThatPublishedAndThrewPublishesUnderItsSlotOnce) {
  ObjectStream<int> stream("service-own-slot-throw", compss::at_most_once, 16);
  auto [ccopy, first] = task_ticket(stream, false);
  stream.close();
  {
    auto failed = ObjectStream<int>::from_ticket(first);
    with_publishes_answered([&] { failed.publish(std::vector<int>{1, 2}); });
  }  // its body threw: the handle goes without finish_task
  EXPECT_FALSE(stream.is_closed());  // (before: closed cleanly by the failed attempt)
  StreamTicket retry = ccopy.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<int>::from_ticket(retry);
    again.publish(std::vector<int>{1, 2, 3});  // the same sequence, from the start
    again.finish_task();
  }
  ccopy.end_task(true, {});
  // (Before: 1, 2, 1, 2, 3.)
  EXPECT_EQ(drain(stream).got, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(stream.is_closed());
}

// A copy of a worker's handle that publishes shares the task's slot; its end must not
// close it while the task (the original handle) still runs.
TEST_P(StreamServiceTest, ACopyOfAWorkersHandleDoesNotCloseTheTasksSlotWhenItGoes) {
  ObjectStream<int> stream("service-own-slot-copy", compss::at_most_once, 16);
  auto [ccopy, cticket] = task_ticket(stream, false);
  stream.close();
  std::optional<ObjectStream<int>> w(ObjectStream<int>::from_ticket(cticket));
  {
    ObjectStream<int> copy = *w;
    with_publishes_answered([&] { copy.publish(5); });
  }
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    for (int v : stream.poll(0.05)) got.push_back(v);
  }
  // (Before: the copy closed the task's slot, the stream looked closed with 6 to come.)
  EXPECT_FALSE(stream.is_closed());
  w->publish(6);
  w->finish_task();
  w.reset();  // the task returned
  ccopy.end_task(true, {});
  for (int v : drain(stream).got) got.push_back(v);
  EXPECT_EQ(got, (std::vector<int>{5, 6}));
  EXPECT_TRUE(stream.is_closed());
}

// Two calls of add_consumer_for for one owner at once get one place (an orphan would pin
// an at_least_once log for good).
TEST(StreamChannelOwned, ConcurrentPlacesForOneOwnerAreOnePlace) {
  for (int round = 0; round < 500; ++round) {  // (a few ms each: threads start)
    compss::detail::StreamChannel channel(1, typeid(int), compss::at_least_once, 4, true);
    const std::uint64_t owner = channel.add_producer();
    std::uint64_t a = 0, b = 0;
    std::atomic<int> ready{0};
    auto open = [&](std::uint64_t& place) {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      place = channel.add_consumer_for(owner);
    };
    std::thread t1(open, std::ref(a));
    std::thread t2(open, std::ref(b));
    t1.join();
    t2.join();
    ASSERT_EQ(a, b) << "round " << round;
  }
}

// A place a worker's handle opened and removed itself is gone for its owner too: the
// task's next attempt gets a place that exists and takes elements.
TEST(StreamChannelOwned, APlaceRemovedByItsHandleIsNotGivenToTheNextAttempt) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_least_once, 4, true);
  const std::uint64_t owner = channel.add_producer();
  const std::uint64_t first = channel.add_consumer_for(owner);
  channel.remove_consumer(first, false, {});
  const std::uint64_t second = channel.add_consumer_for(owner);
  EXPECT_NE(second, first);  // (before: the removed place, which has no cursor)
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(7)};
  channel.publish(items);
  auto got = channel.poll(second, 1.0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(*static_cast<int*>(got[0].get()), 7);
  channel.close(owner, {});
}

// A task given up on whose attempt still ran and returned: its end (the handle's remove or
// close of what it opened) does not end the place or slot its retry opened again (before:
// the place went, the retry's polls were refused "has ended"; the slot closed under it).
TEST(StreamChannelOwned, AnOlderAttemptsEndLeavesThePlaceAndSlotItsRetryOpenedAgain) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 4, true);
  const std::uint64_t program = channel.add_producer();  // holds the stream open
  const std::uint64_t owner = channel.add_producer();    // the master's copy of the task
  const std::uint64_t place = channel.add_consumer_for(owner, 1);
  const std::uint64_t slot = channel.add_producer_for(owner, 1);
  EXPECT_TRUE(channel.poll_attempt(place, 0, 1, {}, true).empty());
  EXPECT_EQ(channel.add_consumer_for(owner, 2), place);  // the retry
  EXPECT_EQ(channel.add_producer_for(owner, 2), slot);
  channel.remove_consumer_attempt(place, false, {}, 1);  // attempt 1 returned
  channel.close_attempt(slot, {}, 1);
  EXPECT_TRUE(channel.at_most_once_place_open(place));
  EXPECT_TRUE(channel.producer_open(slot));
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(4)};
  channel.publish_attempt(items, slot, 2);
  auto got = channel.poll_attempt(place, 1.0, 2, {}, false);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(*static_cast<int*>(got[0].get()), 4);
  channel.close_attempt(slot, {}, 2);  // attempt 2 returned: its end counts
  channel.remove_consumer_attempt(place, false, {}, 2);
  EXPECT_FALSE(channel.at_most_once_place_open(place));
  EXPECT_FALSE(channel.producer_open(slot));
  channel.close(owner, {});
  channel.close(program, {});
}

// A consumer that failed for good gives its unconfirmed at_most_once elements back to the
// buffer: another consumer must not see the stream closed while they may still come back
// (before: it saw is_closed true at once, left, and they stayed unread).
TEST(StreamChannelGivenBack, AnotherConsumerSeesTheStreamClosedOnlyOnceNothingCanComeBack) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 8, true);
  const std::uint64_t producer = channel.add_producer();
  const std::uint64_t dying = channel.add_consumer(true);
  const std::uint64_t other = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1), std::make_shared<int>(2)};
  channel.publish(items);
  channel.close(producer, {});
  // A worker's poll takes both and never confirms (its worker dies).
  ASSERT_EQ(channel.poll_attempt(dying, 0, 1, {}, true).size(), 2u);
  EXPECT_FALSE(channel.is_closed(other));  // they may come back
  EXPECT_TRUE(channel.poll(other, 0).empty());
  channel.give_back(dying, 1);  // its connection broke: they wait for its retry...
  EXPECT_FALSE(channel.is_closed(other));
  channel.remove_consumer(dying, true, "worker lost");  // ...which never comes: the others'
  EXPECT_FALSE(channel.is_closed(other));
  auto got = channel.poll(other, 1.0);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(*static_cast<int*>(got[0].get()), 1);
  EXPECT_EQ(*static_cast<int*>(got[1].get()), 2);
  EXPECT_TRUE(channel.is_closed(other));
}

// A live consumer's confirmation ends the wait of another that polls a closed stream.
TEST(StreamChannelGivenBack, AConfirmationWakesAnotherConsumersPollOfTheClosedStream) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 8, true);
  const std::uint64_t producer = channel.add_producer();
  const std::uint64_t receiving = channel.add_consumer(true);
  const std::uint64_t other = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1)};
  channel.publish(items);
  channel.close(producer, {});
  ASSERT_EQ(channel.poll_attempt(receiving, 0, 1, {}, true).size(), 1u);
  EXPECT_FALSE(channel.is_closed(other));
  std::thread confirm([&] { channel.acknowledge(receiving, 1); });
  EXPECT_TRUE(channel.poll(other, 60.0).empty());  // (woken by the confirmation, not the timeout)
  confirm.join();
  EXPECT_TRUE(channel.is_closed(other));
  EXPECT_TRUE(channel.is_closed(receiving));
}

// A consumer task given up while its attempt still ran on a worker (its place removed: its
// unconfirmed elements went to the other consumers): the attempt's late confirmation of
// that batch is answered "given back", never "confirmed" (before: confirmed, and two
// consumers had the same elements).
TEST(StreamChannelGivenBack, AConfirmationAfterThePlaceWasRemovedIsNeverConfirmed) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 8, true);
  const std::uint64_t producer = channel.add_producer();
  const std::uint64_t given_up = channel.add_consumer(true);
  const std::uint64_t other = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1), std::make_shared<int>(2)};
  channel.publish(items);
  channel.close(producer, {});
  compss::net::AtMostOnceBatches batches;
  const std::uint64_t connection = 7, batch = 42;
  batches.before_poll(channel, given_up, 1, connection);
  ASSERT_EQ(channel.poll_attempt(given_up, 0, 1, {}, true).size(), 2u);
  batches.polled(channel, given_up, 1, batch, true);
  channel.remove_consumer(given_up, true, "");  // its task ended (timed out, given up)
  EXPECT_EQ(channel.poll(other, 1.0).size(), 2u);  // the other consumer has them now
  EXPECT_FALSE(batches.confirm(channel, given_up, 1, batch, connection));
  EXPECT_FALSE(batches.confirm(channel, given_up, 1, batch, connection));  // (resent: the same)
}

// A confirmation names its batch (batch 0 is refused), and a confirmed poll of a removed
// place is refused whatever its attempt (before: batch 0 on a removed place was answered
// "confirmed" while its elements had gone back to the buffer; a poll of attempt 0 took
// the other consumers' elements).
TEST(StreamChannelGivenBack, ARemovedPlacesConfirmationOfNoBatchOrUnattemptedPollIsRefused) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 8, true);
  const std::uint64_t producer = channel.add_producer();
  const std::uint64_t removed = channel.add_consumer(true);
  const std::uint64_t other = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1)};
  channel.publish(items);
  compss::net::AtMostOnceBatches batches;
  batches.before_poll(channel, removed, 1, 7);
  ASSERT_EQ(channel.poll_attempt(removed, 0, 1, {}, true).size(), 1u);
  batches.polled(channel, removed, 1, 42, true);
  channel.remove_consumer(removed, true, "");  // its task ended: 1 goes back to the buffer
  EXPECT_THROW(batches.confirm(channel, removed, 1, 0, 7), compss::Error);
  EXPECT_THROW(channel.poll_attempt(removed, 0, 0, {}, true), compss::Error);
  auto got = channel.poll(other, 1.0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(*static_cast<int*>(got[0].get()), 1);
  channel.close(producer, {});
}

// A superseded attempt's poll or confirmation (its connection still open: a worker given
// up on but alive) does not take the place from the newer attempt's connection: when that
// one ends, its unconfirmed batch is given back, never confirmed later (before: the stale
// call made its own connection the owner, the newer one's end gave nothing back, and a
// late confirmation of the batch was answered "confirmed").
TEST(StreamChannelGivenBack, AStaleAttemptsCallsDoNotTakeThePlaceFromTheNewerAttemptsConnection) {
  // (Registered: the connection's end finds it by id to give the batch back.)
  auto registered = std::make_shared<compss::detail::StreamChannel>(900001, typeid(int), compss::at_most_once, 8, true);
  compss::detail::register_stream_channel(registered);
  compss::detail::StreamChannel& channel = *registered;
  const std::uint64_t producer = channel.add_producer();
  const std::uint64_t place = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1), std::make_shared<int>(2)};
  channel.publish(items);
  channel.close(producer, {});
  compss::net::AtMostOnceBatches batches;
  const std::uint64_t old_connection = 7, new_connection = 8, batch = 42;
  batches.before_poll(channel, place, 2, new_connection);
  ASSERT_EQ(channel.poll_attempt(place, 0, 2, {}, true).size(), 2u);
  batches.polled(channel, place, 2, batch, true);
  // The lost attempt 1's late poll and confirmation, on its own connection: refused.
  batches.before_poll(channel, place, 1, old_connection);
  EXPECT_THROW(channel.poll_attempt(place, 0, 1, {}, true), compss::Error);
  EXPECT_THROW(batches.confirm(channel, place, 1, batch + 1, old_connection), compss::Error);
  batches.connection_ended(new_connection, {{channel.id(), place}});  // before it confirmed
  EXPECT_FALSE(batches.confirm(channel, place, 2, batch, new_connection + 1));  // given back
  EXPECT_EQ(channel.poll_attempt(place, 0, 2, {}, true).size(), 2u);  // its next poll has them
}

namespace {

/// One at_most_once consumer place of a remote task, called as the master's stream service
/// answers a worker's calls on connection `connection` (answer_stream_call), with the
/// program holding the stream and publishing 1, 2, 3.
struct RemotePlace {
  explicit RemotePlace(const char* name)
      : stream(name, compss::at_most_once, 16), master_copy(StreamHandle::for_task(stream, false)),
        ticket(master_copy.ticket()) {
    stream.publish(std::vector<int>{1, 2, 3});
  }
  ~RemotePlace() { master_copy.end_task(true, {}); }
  compss::net::StreamReply call(compss::net::StreamCall c, std::uint64_t connection) {
    c.stream = stream.id();
    c.slot = ticket.consumer;
    c.attempt = ticket.attempt;
    return compss::net::answer_stream_call(c, "fake", nullptr, connection);
  }
  /// A poll of one element (a one-byte budget), named `batch`.
  std::vector<std::byte> poll_one(std::uint64_t batch, std::uint64_t connection) {
    compss::net::StreamReply r = call({.op = compss::net::StreamCall::poll, .batch = batch, .budget = 1}, connection);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.elements.size(), 1u);
    return r.elements.empty() ? std::vector<std::byte>{} : r.elements[0].bytes;
  }
  ObjectStream<int> stream;
  ObjectStream<int> master_copy;
  StreamTicket ticket;
};

}  // namespace

// A confirmation confirms the batch it names, never another batch the place still holds
// unconfirmed: that one is given back when the connection ends (before: the channel
// confirmed all of the place's at once, so a batch the master's record had lost track of,
// as one whose return_unread it refused, was confirmed by the next batch's confirmation:
// lost, and nobody told).
TEST(StreamAtMostOnceBatches, AConfirmationConfirmsOnlyTheBatchItNames) {
  using compss::net::StreamCall;
  RemotePlace place("amo-confirm-named");
  const std::uint64_t connection = 900101, next = 900102;  // (no serve_stream_calls reaches these)
  const std::vector<std::byte> first = place.poll_one(11, connection);
  const std::vector<std::byte> second = place.poll_one(12, connection);
  EXPECT_EQ(place.call({.op = StreamCall::commit, .batch = 12}, connection).value, 0u);  // confirmed
  compss::net::at_most_once_batches().connection_ended(connection, {{place.stream.id(), place.ticket.consumer}});
  // Batch 11 went back to the place: its next poll takes it, then 3; never 12 again.
  compss::net::StreamReply again = place.call({.op = StreamCall::poll, .batch = 13}, next);
  ASSERT_EQ(again.elements.size(), 2u);
  EXPECT_EQ(again.elements[0].bytes, first);
  EXPECT_NE(again.elements[1].bytes, second);
  EXPECT_EQ(place.call({.op = StreamCall::commit, .batch = 13}, next).value, 0u);
}

// A port's return_unread gives back the batch it names only: the place's other batch stays
// its own, and its confirmation is answered "confirmed" (before: every unconfirmed batch
// of the place went back, and that confirmation was answered "given back").
TEST(StreamAtMostOnceBatches, AReturnUnreadGivesBackOnlyTheBatchItNames) {
  using compss::net::StreamCall;
  RemotePlace place("amo-return-named");
  const std::uint64_t connection = 900111;
  const std::vector<std::byte> first = place.poll_one(21, connection);
  const std::vector<std::byte> second = place.poll_one(22, connection);
  EXPECT_EQ(place.call({.op = StreamCall::return_unread, .flag = false, .batch = 21}, connection).value, 1u);
  EXPECT_EQ(place.call({.op = StreamCall::return_unread, .flag = false, .batch = 21}, connection).value, 0u);
  EXPECT_EQ(place.call({.op = StreamCall::commit, .batch = 22}, connection).value, 0u);  // confirmed
  compss::net::StreamReply again = place.call({.op = StreamCall::poll, .batch = 23}, connection);
  ASSERT_EQ(again.elements.size(), 2u);  // 1 (returned to the place, first), then 3
  EXPECT_EQ(again.elements[0].bytes, first);
  EXPECT_NE(again.elements[1].bytes, second);
  EXPECT_EQ(place.call({.op = StreamCall::commit, .batch = 23}, connection).value, 0u);
  compss::net::at_most_once_batches().connection_ended(connection, {{place.stream.id(), place.ticket.consumer}});
}

// A batch the channel holds unconfirmed that the master's record lost track of (never
// seen reaching it in any run; the record and the channel are two copies): its port's
// return_unread still returns it, and a confirmation answered "given back" gives it back
// for real (before: the return was refused and the batch stayed with the place, where the
// next confirmation confirmed it).
TEST(StreamAtMostOnceBatches, ABatchTheRecordLostTrackOfIsNeverLeftUnconfirmedWithThePlace) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 8, true);
  const std::uint64_t producer = channel.add_producer();
  const std::uint64_t place = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1), std::make_shared<int>(2)};
  channel.publish(items);
  compss::net::AtMostOnceBatches batches;
  batches.before_poll(channel, place, 1, 7);
  ASSERT_EQ(channel.poll_attempt(place, 0, 1, {}, true, false, 31).size(), 2u);  // (no polled())
  EXPECT_TRUE(batches.return_unread(channel, place, 1, 31, false, 7));
  ASSERT_EQ(channel.poll_attempt(place, 0, 1, {}, true, false, 32).size(), 2u);  // (again untracked)
  EXPECT_FALSE(batches.confirm(channel, place, 1, 32, 7));  // "given back": so it is
  EXPECT_EQ(channel.poll_attempt(place, 0, 1, {}, true, false, 33).size(), 2u);
  channel.close(producer, {});
}

// ---- releases to holders (flush_element_releases, net/stream_elements.hpp) -------------

namespace {

/// Stream connections go to holders that accept and never answer (a stopped worker).
struct SilentHolders {
  SilentHolders() {
    compss::net::set_stream_connector([this](const std::string&, std::uint16_t) {
      auto [mine, theirs] = compss::net::make_fake_pair();
      std::lock_guard lock(mutex);
      silent.push_back(theirs);  // (kept open, never read)
      return mine;
    });
    compss::net::set_unreachable_backoff(std::chrono::minutes(1));
    compss::net::set_release_answer_wait(std::chrono::milliseconds(200));
  }
  ~SilentHolders() {
    compss::net::set_release_answer_wait(std::chrono::seconds(5));
    compss::net::set_unreachable_backoff(std::chrono::seconds(1));
    compss::net::set_stream_connector(nullptr);  // (forgets the backoffs too)
  }
  std::size_t connections() {
    std::lock_guard lock(mutex);
    return silent.size();
  }
  std::mutex mutex;
  std::vector<std::shared_ptr<compss::net::Endpoint>> silent;
};

}  // namespace

TEST(StreamReleases, AHolderThatNeverAnswersHoldsAFlushUpForTheAnswerWaitOnlyAndIsSkippedAfter) {
  SilentHolders holders;
  (void)compss::net::make_remote_element("silent-holder", 1, 42, nullptr);  // gone: a release queued
  // Stopping: nothing is sent, the release stays queued.
  compss::net::flush_element_releases([] { return true; });
  EXPECT_EQ(holders.connections(), 0u);
  const auto began = std::chrono::steady_clock::now();
  compss::net::flush_element_releases();
  // (Before: 60 s per silent holder, which the master's shutdown waited for.)
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(20));
  EXPECT_EQ(holders.connections(), 1u);
  // Skipped for its backoff: the next flushes keep its release queued without a connection.
  compss::net::flush_element_releases();
  EXPECT_EQ(holders.connections(), 1u);
}

TEST_P(PeerToPeerTest, AProducersPublishesLookAtItsStillHeldElementsOnlyNowAndThen) {
  // Its consumer fetched them, but at_most_once elements stay held until the master's
  // release (up to 50 ms later): thousands for a fast producer of small elements. Before,
  // each publish past 1024 of them looked at every one (10x slower at 64 B between workers).
  UnfetchedBound bound(std::size_t{1} << 20, std::chrono::milliseconds(0));  // (never waits)
  constexpr int n = 4000;
  // (600 B: held, not inline.)
  ObjectStream<std::vector<char>> stream("p2p-held-keys-sweep", compss::at_most_once, n);
  auto [pcopy, pticket] = task_ticket(stream, true);
  const std::uint64_t before = compss::net::stream_held_key_checks();
  {
    auto p = ObjectStream<std::vector<char>>::from_ticket(pticket);
    for (int i = 0; i < n; ++i) p.publish(std::vector<char>(600, 'x'));
    EXPECT_GE(compss::net::held_element_count(), static_cast<std::size_t>(n));  // (none released)
  }
  // Each key looked at a few times at most (before: about 3,000 times each).
  EXPECT_LE(compss::net::stream_held_key_checks() - before, 4u * n);
  pcopy.end_task(true, {});
}

// ---- a lost at_most_once confirmation (net/stream_batches.hpp) ------------------------

namespace {

/// A worker's connections to the master's service, the next confirmation of which goes
/// wrong once: its answer is lost after the master recorded it (the connection breaks as
/// it arrives), the connection breaks before it is sent, or its answer never comes (the
/// connection stays open and silent).
class FlakyConfirmations {
 public:
  enum class Fault { none, lose_answer, break_before, silent };
  std::atomic<Fault> next{Fault::none};

  std::shared_ptr<compss::net::Endpoint> wrap(std::shared_ptr<compss::net::Endpoint> inner) {
    return std::make_shared<End>(std::move(inner), *this);
  }

 private:
  class End : public compss::net::Endpoint {
   public:
    End(std::shared_ptr<compss::net::Endpoint> inner, FlakyConfirmations& owner)
        : inner_(std::move(inner)), owner_(owner) {}
    std::error_code send(const compss::net::Message& m) override {
      auto* call = std::get_if<compss::net::StreamCall>(&m);
      if (call != nullptr && call->op == compss::net::StreamCall::commit) {
        fault_ = owner_.next.exchange(Fault::none);
        if (fault_ == Fault::break_before) {
          close();
          return make_error_code(compss::net::NetError::closed);
        }
      }
      return inner_->send(m);
    }
    std::error_code receive(compss::net::Message& out, std::chrono::milliseconds timeout) override {
      if (fault_ == Fault::silent) {  // (the answer waits unread in the connection)
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (!closed_ && std::chrono::steady_clock::now() < until) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return make_error_code(closed_ ? compss::net::NetError::closed : compss::net::NetError::timed_out);
      }
      std::error_code ec = inner_->receive(out, timeout);
      if (!ec && fault_ == Fault::lose_answer && std::holds_alternative<compss::net::StreamReply>(out)) {
        close();  // (the master has recorded the confirmation: it answered)
        return make_error_code(compss::net::NetError::closed);
      }
      return ec;
    }
    void close() noexcept override {
      closed_ = true;
      inner_->close();
    }
    std::string peer() const override { return inner_->peer(); }

   private:
    std::shared_ptr<compss::net::Endpoint> inner_;
    FlakyConfirmations& owner_;
    std::atomic<Fault> fault_{Fault::none};
    std::atomic<bool> closed_{false};
  };
};

/// The master's ends of stream connections, whose end (the worker's side closed) it sees
/// only once release() is called while `holding`: a master slow to notice a lost
/// connection.
class LateEnds {
 public:
  std::atomic<bool> holding{false};
  std::shared_ptr<compss::net::Endpoint> wrap(std::shared_ptr<compss::net::Endpoint> inner) {
    return std::make_shared<End>(std::move(inner), *this);
  }
  /// Lets the held ends go (a test that failed half-way: its ends must not stay held).
  void let_go() {
    std::lock_guard lock(mutex_);
    holding = false;
    changed_.notify_all();
  }
  /// Lets the held ends go and waits until `ended` of them did.
  void release(int ended) {
    std::unique_lock lock(mutex_);
    holding = false;
    changed_.notify_all();
    changed_.wait(lock, [&] { return ended_ >= ended; });
  }

 private:
  class End : public compss::net::Endpoint {
   public:
    End(std::shared_ptr<compss::net::Endpoint> inner, LateEnds& owner) : inner_(std::move(inner)), owner_(owner) {}
    std::error_code send(const compss::net::Message& m) override { return inner_->send(m); }
    std::error_code receive(compss::net::Message& out, std::chrono::milliseconds timeout) override {
      std::error_code ec = inner_->receive(out, timeout);
      if (ec && ec != compss::net::NetError::timed_out) {
        std::unique_lock lock(owner_.mutex_);
        owner_.changed_.wait(lock, [&] { return !owner_.holding; });
        ++owner_.ended_;
        owner_.changed_.notify_all();
      }
      return ec;
    }
    void close() noexcept override {
      {
        std::lock_guard lock(owner_.mutex_);
        owner_.holding = false;
        owner_.changed_.notify_all();
      }
      inner_->close();
    }
    std::string peer() const override { return inner_->peer(); }

   private:
    std::shared_ptr<compss::net::Endpoint> inner_;
    LateEnds& owner_;
  };
  std::mutex mutex_;
  std::condition_variable changed_;
  int ended_ = 0;
};

/// Connections from now on go through `flaky` (and the master's ends through `late`).
void connect_flaky(FakeStreamServers& servers, FlakyConfirmations& flaky, LateEnds* late = nullptr) {
  compss::net::set_stream_connector([&servers, &flaky, late](const std::string&, std::uint16_t) {
    auto [worker_end, master_end] = compss::net::make_fake_pair();
    servers.serve(late != nullptr ? late->wrap(master_end) : master_end);
    return flaky.wrap(worker_end);
  });
}

/// Publishes `values` from a producer task's handle and closes its slot.
void publish_all(const StreamTicket& producer, std::vector<int> values) {
  auto p = ObjectStream<int>::from_ticket(producer);
  with_publishes_answered([&] { p.publish(std::move(values)); });
  p.close();
}

}  // namespace

TEST_P(StreamServiceTest, AnAtMostOnceConfirmationWhoseAnswerWasLostIsSentAgainAndAnsweredTheSame) {
  FlakyConfirmations flaky;
  connect_flaky(servers_, flaky);
  ObjectStream<int> stream("service-amo-lost-answer", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  auto c = ObjectStream<int>::from_ticket(cticket);
  const std::uint64_t reconnected = compss::net::stream_reconnections();
  {
    auto p = ObjectStream<int>::from_ticket(pticket);
    with_publishes_answered([&] { p.publish(std::vector<int>{1, 2, 3}); });
    flaky.next = FlakyConfirmations::Fault::lose_answer;
    // The master confirmed the batch, its answer was lost: sent again on a new connection,
    // the confirmation is answered "confirmed" and the poll returns the batch (before: it
    // threw, and the batch was lost).
    std::vector<int> first;
    EXPECT_NO_THROW(first = c.poll(5.0));
    EXPECT_EQ(first, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(compss::net::stream_reconnections(), reconnected + 1);
    with_publishes_answered([&] { p.publish(std::vector<int>{4, 5}); });
    p.close();
  }
  // The rest once, and nobody gets the batch again.
  EXPECT_EQ(drain(c).got, (std::vector<int>{4, 5}));
  EXPECT_TRUE(drain(stream).got.empty());
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, AnAtMostOnceConfirmationThatNeverReachedTheMasterGetsItsBatchBackOnce) {
  FlakyConfirmations flaky;
  connect_flaky(servers_, flaky);
  ObjectStream<int> stream("service-amo-unsent-confirmation", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  auto c = ObjectStream<int>::from_ticket(cticket);
  publish_all(pticket, {1, 2, 3});
  flaky.next = FlakyConfirmations::Fault::break_before;
  // The connection broke before the confirmation left: the master gives the batch back to
  // the consumer's place (or takes the confirmation on the new connection if it has not
  // noticed yet); either way the poll returns it once (before: it threw).
  std::vector<int> got;
  EXPECT_NO_THROW(got = c.poll(5.0));
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  std::vector<int> rest = drain(c).got;
  EXPECT_TRUE(rest.empty()) << "delivered twice: " << rest.size();
  EXPECT_TRUE(drain(stream).got.empty());
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, AnAtMostOnceConfirmationWhoseAnswerNeverComesIsSentAgainAfterTheAnswerWait) {
  FlakyConfirmations flaky;
  connect_flaky(servers_, flaky);
  compss::net::set_stream_answer_wait(std::chrono::milliseconds(300));
  ObjectStream<int> stream("service-amo-silent-answer", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  auto c = ObjectStream<int>::from_ticket(cticket);
  publish_all(pticket, {1, 2, 3});
  flaky.next = FlakyConfirmations::Fault::silent;
  auto polled = std::async(std::launch::async, [&] { return c.poll(5.0); });
  // (Before: it waited for the answer for ever.)
  const bool answered = polled.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  EXPECT_TRUE(answered);
  if (!answered) servers_.stop();  // (ends the wait: the poll throws)
  std::vector<int> got;
  EXPECT_NO_THROW(got = polled.get());
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  compss::net::set_stream_answer_wait(std::chrono::seconds(10));
  if (!HasFailure()) {
    EXPECT_TRUE(drain(c).got.empty());
    EXPECT_TRUE(drain(stream).got.empty());
  }
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

TEST_P(StreamServiceTest, AnOldConnectionsLateEndDoesNotGiveBackABatchPolledOnItsReplacement) {
  FlakyConfirmations flaky;
  LateEnds late;
  // The master's ends refer to `late` (and `flaky`): they are closed before those go, even
  // when an assertion ends the test early (TearDown's stop came after them: closing an end
  // locked a destroyed mutex, a hang under ASan).
  struct StopServers {
    FakeStreamServers& servers;
    ~StopServers() { servers.stop(); }
  } stop_servers{servers_};
  connect_flaky(servers_, flaky, &late);
  {
    ObjectStream<int> stream("service-amo-late-end", compss::at_most_once, 16);
    auto [pcopy, pticket] = task_ticket(stream, true);
    auto [ccopy, cticket] = task_ticket(stream, false);
    auto c = ObjectStream<int>::from_ticket(cticket);
    auto p = ObjectStream<int>::from_ticket(pticket);
    struct LetGo {
      LateEnds& late;
      ~LetGo() { late.let_go(); }
    } let_go{late};  // (before c and p go, however the test ends)
    with_publishes_answered([&] { p.publish(std::vector<int>{1, 2}); });
    late.holding = true;  // the master notices the first connection's end only later
    flaky.next = FlakyConfirmations::Fault::lose_answer;
    std::vector<int> first;
    EXPECT_NO_THROW(first = c.poll(5.0));
    ASSERT_EQ(first, (std::vector<int>{1, 2}));
    // A second batch, taken and confirmed on the new connection...
    with_publishes_answered([&] { p.publish(std::vector<int>{3, 4}); });
    EXPECT_EQ(c.poll(5.0), (std::vector<int>{3, 4}));
    // ...is not given back when the master notices the first connection's end now.
    late.release(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // (its thread gives back, if any)
    p.close();
    std::vector<int> rest = drain(c).got;
    EXPECT_TRUE(rest.empty()) << "delivered twice: " << rest.size();
    EXPECT_TRUE(drain(stream).got.empty());
    pcopy.end_task(true, {});
    ccopy.end_task(true, {});
  }
}

// ---- a fetch from a holder that never answers ------------------------------------------

TEST(StreamFetches, AFetchFromAHolderThatNeverAnswersGivesUpAfterTheAnswerWait) {
  SilentHolders holders;
  compss::net::set_stream_answer_wait(std::chrono::milliseconds(300));
  const std::vector<compss::net::WireElement> refs{{.key = 42, .host = "stopped-holder", .port = 1}};
  auto fetch = std::async(std::launch::async, [&] {
    std::vector<std::optional<std::vector<std::byte>>> out;
    std::string why;
    compss::net::fetch_remote_batch(refs, false, out, why);
    return std::make_pair(out.front().has_value(), why);
  });
  // (Before: 60 s.)
  const bool answered = fetch.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  EXPECT_TRUE(answered);
  if (!answered) {
    std::lock_guard lock(holders.mutex);
    for (auto& end : holders.silent) end->close();
  }
  auto [got, why] = fetch.get();
  EXPECT_FALSE(got);
  EXPECT_NE(why.find("did not answer within 300 ms"), std::string::npos) << why;
  compss::net::set_stream_answer_wait(std::chrono::seconds(10));
}

TEST_P(PeerToPeerTest, AConsumerWhoseHolderNeverAnswersGetsTheElementsFromTheMasterAfterTheWait) {
  std::mutex mutex;
  std::vector<std::shared_ptr<compss::net::Endpoint>> silent;  // (the holder's ends, never read)
  compss::net::set_stream_connector([&](const std::string& host, std::uint16_t) {
    if (host.empty()) return servers_.connect();  // the master's service
    auto [mine, theirs] = compss::net::make_fake_pair();
    std::lock_guard lock(mutex);
    silent.push_back(theirs);
    return mine;
  });
  compss::net::set_stream_answer_wait(std::chrono::milliseconds(300));
  ObjectStream<std::vector<char>> stream("p2p-silent-holder", compss::at_most_once, 16);
  auto [pcopy, pticket] = task_ticket(stream, true);
  auto [ccopy, cticket] = task_ticket(stream, false);
  auto c = ObjectStream<std::vector<char>>::from_ticket(cticket);
  std::optional<ObjectStream<std::vector<char>>> p(ObjectStream<std::vector<char>>::from_ticket(pticket));
  with_publishes_answered([&] { p->publish(std::vector<std::vector<char>>{payload(0), payload(1)}); });
  auto polled = std::async(std::launch::async, [&] { return c.poll(30.0); });
  // The consumer's fetch went to the (silent) holder...
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    {
      std::lock_guard lock(mutex);
      if (!silent.empty() || std::chrono::steady_clock::now() > deadline) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // ...and the master gets the bytes (the producer's end hands them over): the consumer,
  // given up on the holder after the wait, asks the master (before: it waited 60 s).
  p.reset();
  const bool answered = polled.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  EXPECT_TRUE(answered);
  if (!answered) {
    std::lock_guard lock(mutex);
    for (auto& end : silent) end->close();
  }
  EXPECT_EQ(polled.get(), (std::vector<std::vector<char>>{payload(0), payload(1)}));
  compss::net::set_stream_answer_wait(std::chrono::seconds(10));
  pcopy.end_task(true, {});
  ccopy.end_task(true, {});
}

// ---- records of a long-lived stream (docs/streams.md, "What the master keeps") ----------

namespace {

std::shared_ptr<compss::detail::StreamChannel> channel_of(const compss::detail::StreamHandle& s) {
  return compss::detail::find_stream_channel(s.id());
}

}  // namespace

// One stream fed by many short producer tasks and read by many short consumer tasks, some
// of each retried (their first attempt's worker "died"): the master's records stay those
// of the tasks still running (before: one per producer slot, one per at_most_once place in
// the channel and one per place in the service's batch record, for the stream's life), and
// every guarantee holds: each element once, a live producer's retry matched by position.
TEST_P(StreamServiceTest, ALongLivedStreamKeepsRecordsOfItsLiveTasksOnlyOverManyShortTasks) {
  // (Process-wide records: counted from what other tests left.)
  const std::size_t batches_at_start = compss::net::at_most_once_batches().size();
  const std::size_t logs_at_start = compss::net::producer_log_count();
  ObjectStream<int> stream("service-records", compss::at_most_once, 64);
  stream.publish(std::vector<int>{});  // the program holds it open
  auto channel = channel_of(stream);
  // A producer still running from the start: its retry comes after all the others.
  auto [live, live_first] = task_ticket(stream, true);
  {
    auto lost = ObjectStream<int>::from_ticket(live_first);
    with_publishes_answered([&] { lost.publish(std::vector<int>{-1, -2}); });
  }  // (its worker is killed)
  const std::size_t records_at_start = channel->task_records();
  std::vector<int> got;
  constexpr int producers = 300, consumers = 150;
  with_publishes_answered([&] {
    for (int p = 0; p < producers; ++p) {
      auto [copy, first] = task_ticket(stream, true);
      {
        auto h = ObjectStream<int>::from_ticket(first);
        h.publish(p);
        if (p % 5 == 0) {  // retried: the same sequence again, from the start
          StreamTicket retry = copy.ticket();
          retry.port = 1;
          auto again = ObjectStream<int>::from_ticket(retry);
          again.publish(p);
          again.close();
        } else {
          h.close();
        }
      }
      copy.end_task(true, {});
      if (p % 2 == 0 && p / 2 < consumers) {
        auto [ccopy, cfirst] = task_ticket(stream, false);
        {
          auto c = ObjectStream<int>::from_ticket(cfirst);
          for (int v : c.poll(0.0)) got.push_back(v);
          if ((p / 2) % 5 == 0) {  // retried: its new attempt polls again
            StreamTicket retry = ccopy.ticket();
            retry.port = 1;
            auto again = ObjectStream<int>::from_ticket(retry);
            for (int v : again.poll(0.0)) got.push_back(v);
          }
        }
        ccopy.end_task(true, {});
      }
    }
  });
  // Records of the tasks still there only (the program's slot, the live producer).
  EXPECT_LE(channel->task_records(), records_at_start);
  EXPECT_LT(compss::net::at_most_once_batches().size(), batches_at_start + 64);  // (consumers places: 150)
  EXPECT_LE(compss::net::producer_log_count(), logs_at_start + 64);
  // The live producer's retry still matches by position: its first two are not repeated.
  StreamTicket retry = live.ticket();
  retry.port = 1;
  {
    auto again = ObjectStream<int>::from_ticket(retry);
    with_publishes_answered([&] { again.publish(std::vector<int>{-1, -2, -3}); });
    again.close();
  }
  live.end_task(true, {});
  stream.close();
  for (int v : drain(stream).got) got.push_back(v);
  std::multiset<int> all(got.begin(), got.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(producers + 3));  // no loss, no duplicate
  for (int p = -3; p < producers; ++p) EXPECT_EQ(all.count(p), 1u) << p;
}

// A task that ended for good keeps no record, and a late call of one of its attempts (a
// worker given up on, still running) can no longer count: its publish adds nothing, its
// poll takes nothing of the other consumers', its close does nothing (before: the slot's
// record stayed, and the same attempt's late publish was added to the stream; the removed
// place's late poll took the other consumers' elements).
TEST(StreamChannelRecords, ALateCallOfATaskThatEndedForGoodCountsForNothing) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 8, true);
  const std::uint64_t program = channel.add_producer();  // holds the stream open
  const std::uint64_t other = channel.add_consumer(true);
  const std::size_t records = channel.task_records();
  const std::uint64_t slot = channel.add_producer();
  const std::uint64_t place = channel.add_consumer(true);
  std::vector<compss::detail::StreamChannel::Element> items{std::make_shared<int>(1)};
  channel.publish_attempt(items, slot, 5);
  EXPECT_TRUE(channel.poll_attempt(place, 0, 6, {}, true).size() == 1u);
  EXPECT_TRUE(channel.acknowledge(place, 6));
  EXPECT_GT(channel.task_records(), records);
  channel.close(slot, {});  // the master learnt both tasks ended (their worker was lost)
  channel.remove_consumer(place, true, "worker lost");
  EXPECT_EQ(channel.task_records(), records);
  EXPECT_TRUE(channel.producer_ended(slot));
  items = {std::make_shared<int>(2)};
  EXPECT_THROW(channel.publish_attempt(items, slot, 5), compss::Error);
  items = {std::make_shared<int>(3)};
  channel.publish(items);
  EXPECT_THROW(channel.poll_attempt(place, 0, 6, {}, true), compss::Error);
  EXPECT_FALSE(channel.acknowledge(place, 6));  // (a confirmation: "given back")
  channel.close_attempt(slot, "late", 5);
  EXPECT_EQ(channel.task_records(), records);
  auto got = channel.poll(other, 1.0);
  ASSERT_EQ(got.size(), 1u);  // 3, not 2
  EXPECT_EQ(*static_cast<int*>(got[0].get()), 3);
  channel.close(program, {});
  EXPECT_TRUE(channel.is_closed(other));
}

// A producer attempt blocked publishing into a full stream whose task ends for good
// meanwhile (a time_out's watchdog, a lost worker: close erases the slot's record) while
// another slot keeps the stream open adds nothing once room appears, and throws (before:
// it kept a pointer to the erased record and wrote through it: a use-after-free, and the
// element was added).
TEST(StreamChannelRecords, APublishWaitingForRoomWhenItsTaskEndsForGoodAddsNothing) {
  compss::detail::StreamChannel channel(1, typeid(int), compss::at_most_once, 1, true);
  const std::uint64_t program = channel.add_producer();  // holds the stream open
  const std::uint64_t consumer = channel.add_consumer(true);
  const std::uint64_t slot = channel.add_producer();
  std::vector<compss::detail::StreamChannel::Element> first{std::make_shared<int>(1)};
  channel.publish_attempt(first, slot, 1);  // full now
  std::promise<std::string> outcome;
  std::thread blocked([&] {
    std::vector<compss::detail::StreamChannel::Element> more{std::make_shared<int>(2)};
    try {
      channel.publish_attempt(more, slot, 1);
      outcome.set_value("added");
    } catch (const compss::Error& e) {
      outcome.set_value(e.what());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // (it waits for room)
  channel.close(slot, {});  // its task ended for good
  auto got = channel.poll(consumer, 1.0);  // room
  blocked.join();
  EXPECT_NE(outcome.get_future().get().find("has ended"), std::string::npos);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(*static_cast<int*>(got[0].get()), 1);
  EXPECT_TRUE(channel.poll(consumer, 0.0).empty());  // 2 was not added
  channel.close(program, {});
  EXPECT_TRUE(channel.is_closed(consumer));
}

// Producer tasks run in this process whose attempts called close() and were retried:
// each slot's record goes once its task ends (StreamHandle::end_task), and each element
// is delivered once (before: a record per task for the stream's life).
TEST(StreamChannelRecords, InProcessProducerAttemptsThatClosedLeaveNoRecordOnceTheirTaskEnded) {
  ObjectStream<int> stream("records-in-process", compss::at_most_once, 256);
  stream.publish(std::vector<int>{});  // the program holds it open
  std::vector<int> got;
  EXPECT_TRUE(stream.poll(0.0).empty());  // (the program's place, taken now)
  auto channel = channel_of(stream);
  const std::size_t records = channel->task_records();
  for (int p = 0; p < 200; ++p) {
    ObjectStream<int> copy = StreamHandle::for_task(stream, true);
    const int attempts = p % 4 == 0 ? 2 : 1;
    for (int a = 0; a < attempts; ++a) {  // (a retry publishes the same, after the close)
      copy.begin_attempt();
      copy.publish(p);
      copy.close();
    }
    copy.end_task(true, {});
    for (int v : stream.poll(0.0)) got.push_back(v);
  }
  EXPECT_EQ(channel->task_records(), records);
  stream.close();
  for (int v : drain(stream).got) got.push_back(v);
  ASSERT_EQ(got.size(), 200u);
  for (int p = 0; p < 200; ++p) EXPECT_EQ(got[static_cast<std::size_t>(p)], p);
}

// A stream connection's receive sleeps at once (docs/streams.md, "Speed between
// workers"): a spinning receiver stays runnable and, on a loaded machine, waits for other
// threads' time slices before it sees what arrived. Other options are kept.
TEST(StreamConnections, SleepInAReceiveAtOnceAndKeepTheOtherOptions) {
  compss::net::ConnectionOptions base;
  base.max_payload = 12345;
  base.retry_refused = false;
  ASSERT_GT(base.spin.count(), 0);  // (the default for other connections)
  const compss::net::ConnectionOptions o = compss::net::stream_connection_options(base);
  EXPECT_EQ(o.spin.count(), 0);
  EXPECT_EQ(o.max_payload, 12345u);
  EXPECT_FALSE(o.retry_refused);
}
