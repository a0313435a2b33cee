// Streams in local runs (docs/streams.md): stream tasks run at once, modes, closing,
// failed producers, bounded buffers, retries, file streams.
#include "test_support.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COMPSS_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define COMPSS_TEST_SANITIZED 1
#endif
#endif
#ifndef COMPSS_TEST_SANITIZED
#define COMPSS_TEST_SANITIZED 0
#endif

using namespace compss::detail;
using compss::ObjectStream;
using compss_test::RuntimeTest;

namespace {

constexpr int per_producer = 400;

// ---- tasks (as compss-cc would emit them) ------------------------------------------------

void produce(ObjectStream<int>& s, int producer) {
  for (int i = 0; i < per_producer; ++i) s.publish(producer * 100000 + i);
  s.close();
}
void consume(ObjectStream<int>& s, std::vector<int>& got) {
  while (!s.is_closed()) {
    for (int v : s.poll(0.05)) got.push_back(v);
  }
}
constexpr ParamSpec produce_params[] = {{Direction::out, ParamKind::stream, "s"},
                                        {Direction::in, ParamKind::object, "producer"}};
constexpr TaskSpec produce_task{"produce", "void produce(ObjectStream<int> &, int)", produce_params, 2};
constexpr ParamSpec consume_params[] = {{Direction::in, ParamKind::stream, "s"},
                                        {Direction::out, ParamKind::object, "got"}};
constexpr TaskSpec consume_task{"consume", "void consume(ObjectStream<int> &, std::vector<int> &)",
                                consume_params, 2};

class Streams : public RuntimeTest {
 protected:
  void SetUp() override {
    ::setenv("COMPSS_THREADS", "2", 1);  // fewer cores than stream tasks
    RuntimeTest::SetUp();
  }
  void TearDown() override {
    RuntimeTest::TearDown();
    ::unsetenv("COMPSS_THREADS");
  }
};

// Each producer's elements, in the order a consumer received them, are increasing.
void expect_producer_order(const std::vector<int>& got) {
  std::map<int, int> last;
  for (int v : got) {
    auto it = last.find(v / 100000);
    if (it != last.end()) EXPECT_LT(it->second, v) << "producer " << v / 100000 << " out of order";
    last[v / 100000] = v;
  }
}

}  // namespace

TEST_F(Streams, ThreeConsumersAndTwoProducersOnTwoCoresFinishAtMostOnce) {
  ObjectStream<int> s("", compss::at_most_once, 8);  // small: producers block often
  std::vector<int> got[3];
  // Consumers first: they must not hold the two cores the producers need.
  for (auto& g : got) call_task<consume_task, &consume>(s, g);
  // The program holds the stream open while it submits producers (docs/streams.md,
  // "Closing"): an early producer's end must not close it before the next is submitted.
  s.publish(std::vector<int>{});
  for (int p = 1; p <= 2; ++p) call_task<produce_task, &produce>(s, p);
  s.close();
  for (auto& g : got) compss::wait_on(g);
  std::multiset<int> all;
  for (auto& g : got) {
    expect_producer_order(g);
    all.insert(g.begin(), g.end());
  }
  EXPECT_EQ(all.size(), 2u * per_producer);  // no loss
  EXPECT_EQ(std::set<int>(all.begin(), all.end()).size(), all.size());  // no duplicate
}

TEST_F(Streams, AtLeastOnceEveryConsumerGetsEveryElementInOrder) {
  ObjectStream<int> s("", compss::at_least_once, 8);
  std::vector<int> got[3];
  for (auto& g : got) call_task<consume_task, &consume>(s, g);
  s.publish(std::vector<int>{});  // held open while producers are submitted
  for (int p = 1; p <= 2; ++p) call_task<produce_task, &produce>(s, p);
  s.close();
  for (auto& g : got) {
    compss::wait_on(g);
    EXPECT_EQ(g.size(), 2u * per_producer);
    EXPECT_EQ(std::set<int>(g.begin(), g.end()).size(), g.size());
    expect_producer_order(g);
  }
}

namespace {
void publish_range(ObjectStream<int>& s, int from, int to) {
  for (int i = from; i < to; ++i) s.publish(i);
}
constexpr ParamSpec range_params[] = {{Direction::out, ParamKind::stream, "s"},
                                      {Direction::in, ParamKind::object, "from"},
                                      {Direction::in, ParamKind::object, "to"}};
constexpr TaskSpec range_task{"publish_range", "void publish_range(ObjectStream<int> &, int, int)",
                              range_params, 3};
}  // namespace

TEST_F(Streams, StreamClosesOnceEveryProducerEndedWithoutClose) {
  // Many producers that never call close(): each task's end closes its slot.
  ObjectStream<int> s;
  std::vector<int> got;
  call_task<consume_task, &consume>(s, got);
  s.publish(std::vector<int>{});  // held open while producers are submitted
  for (int p = 0; p < 10; ++p) call_task<range_task, &publish_range>(s, p * 100, p * 100 + 100);
  s.close();
  compss::wait_on(got);
  std::sort(got.begin(), got.end());
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i);
}

TEST_F(Streams, MainProgramPublishesAndPolls) {
  ObjectStream<int> to_task;
  ObjectStream<int> to_main;
  std::vector<int> got;
  call_task<consume_task, &consume>(to_task, got);
  call_task<range_task, &publish_range>(to_main, 0, 50);
  for (int i = 0; i < 30; ++i) to_task.publish(i);
  to_task.publish(std::vector<int>{30, 31});
  to_task.close();
  std::vector<int> polled;
  while (!to_main.is_closed()) {
    for (int v : to_main.poll(0.05)) polled.push_back(v);
  }
  compss::wait_on(got);
  EXPECT_EQ(got.size(), 32u);
  expect_producer_order(got);
  EXPECT_EQ(polled.size(), 50u);
  EXPECT_THROW(to_task.publish(99), compss::Error);  // this handle closed it
}

TEST(StreamAlias, SameAliasIsSameStreamAndTypesMustAgree) {
  ObjectStream<int> a("shared-alias");
  ObjectStream<int> b("shared-alias");
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(b.alias(), "shared-alias");
  a.publish(7);
  auto got = b.poll(1.0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], 7);
  EXPECT_THROW(ObjectStream<double>("shared-alias"), compss::Error);
  EXPECT_THROW(ObjectStream<int>("shared-alias", compss::at_least_once), compss::Error);
  EXPECT_NE(ObjectStream<int>().id(), ObjectStream<int>().id());
}

// ---- failures and retries ------------------------------------------------------------------

namespace {
void failing_producer(ObjectStream<int>& s) {
  for (int i = 0; i < 3; ++i) s.publish(i);
  throw std::runtime_error("sensor broke");
}
constexpr ParamSpec one_stream_out[] = {{Direction::out, ParamKind::stream, "s"}};
constexpr TaskSpec failing_producer_task{.name = "failing_producer",
                                         .signature = "void failing_producer(ObjectStream<int> &)",
                                         .params = one_stream_out,
                                         .param_count = 1,
                                         .on_failure = OnFailure::ignore};

void consume_until_error(ObjectStream<int>& s, std::vector<int>& got, std::string& error) {
  try {
    while (!s.is_closed()) {
      for (int v : s.poll(0.05)) got.push_back(v);
    }
  } catch (const compss::Error& e) {
    error = e.what();
  }
}
constexpr ParamSpec until_error_params[] = {{Direction::in, ParamKind::stream, "s"},
                                            {Direction::out, ParamKind::object, "got"},
                                            {Direction::out, ParamKind::object, "error"}};
constexpr TaskSpec until_error_task{"consume_until_error",
                                    "void consume_until_error(ObjectStream<int> &, std::vector<int> &, std::string &)",
                                    until_error_params, 3};
}  // namespace

TEST_F(Streams, FailedProducerClosesItsStreamWithAnErrorConsumersSee) {
  ObjectStream<int> s;
  std::vector<int> got;
  std::string error;
  call_task<until_error_task, &consume_until_error>(s, got, error);
  call_task<failing_producer_task, &failing_producer>(s);
  compss::wait_on(got);
  compss::wait_on(error);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2}));  // what it published first is not lost
  EXPECT_NE(error.find("sensor broke"), std::string::npos) << error;
}

namespace {
void failing_consumer(ObjectStream<int>& s) {
  s.poll(0.05);
  throw std::runtime_error("filter crashed");
}
constexpr ParamSpec one_stream_in[] = {{Direction::in, ParamKind::stream, "s"}};
constexpr TaskSpec failing_consumer_task{.name = "failing_consumer",
                                         .signature = "void failing_consumer(ObjectStream<int> &)",
                                         .params = one_stream_in,
                                         .param_count = 1,
                                         .on_failure = OnFailure::ignore};
void publish_until_error(ObjectStream<int>& s, std::string& error) {
  try {
    for (int i = 0; i < 1000; ++i) s.publish(i);
  } catch (const compss::Error& e) {
    error = e.what();
  }
}
constexpr ParamSpec until_full_params[] = {{Direction::out, ParamKind::stream, "s"},
                                           {Direction::out, ParamKind::object, "error"}};
constexpr TaskSpec publish_until_error_task{"publish_until_error",
                                            "void publish_until_error(ObjectStream<int> &, std::string &)",
                                            until_full_params, 2};
}  // namespace

TEST_F(Streams, ProducerOfAFullStreamWhoseLastConsumerFailedGetsAnErrorInsteadOfWaiting) {
  ObjectStream<int> s("", compss::at_most_once, 4);
  std::string error;
  call_task<failing_consumer_task, &failing_consumer>(s);
  call_task<publish_until_error_task, &publish_until_error>(s, error);
  compss::wait_on(error);  // (without the release: waits forever)
  EXPECT_NE(error.find("filter crashed"), std::string::npos) << error;
}

namespace {
std::atomic<int> attempts{0};
std::atomic<int> retry_first{-1};  // the first element the second attempt received
// The first attempt takes some elements and dies; the retry must get them again.
void flaky_consumer(ObjectStream<int>& s, std::vector<int>& got) {
  const bool first = attempts.fetch_add(1) == 0;
  std::size_t taken = 0;
  while (!s.is_closed()) {
    for (int v : s.poll(0.05)) {
      if (!first && retry_first.load() < 0) retry_first = v;
      got.push_back(v);
      if (first && ++taken == 20) throw std::runtime_error("consumer lost");
    }
  }
}
constexpr TaskSpec flaky_task{"flaky_consumer", "void flaky_consumer(ObjectStream<int> &, std::vector<int> &)",
                              consume_params, 2};
}  // namespace

TEST_F(Streams, AtLeastOnceRetriedConsumerGetsAgainWhatItHadTaken) {
  attempts = 0;
  retry_first = -1;
  ObjectStream<int> s("", compss::at_least_once, 8);
  std::vector<int> got;
  call_task<flaky_task, &flaky_consumer>(s, got);
  call_task<range_task, &publish_range>(s, 0, 100);
  compss::wait_on(got);
  EXPECT_EQ(attempts.load(), 2);
  // The first attempt died while handling element 19: the retry starts at or before it.
  EXPECT_GE(retry_first.load(), 0);
  EXPECT_LE(retry_first.load(), 19);
  // The retry starts again from the last finished poll: every element at least once.
  std::set<int> distinct(got.begin(), got.end());
  EXPECT_EQ(distinct.size(), 100u);
  EXPECT_EQ(*distinct.begin(), 0);
  EXPECT_EQ(*distinct.rbegin(), 99);
}

// ---- bounded buffers ---------------------------------------------------------------------

namespace {
long resident_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}
constexpr int big_count = 200;
constexpr std::size_t big_bytes = 1 << 20;
// How far the producer got ahead of the consumer (elements published, not yet handled).
std::atomic<long> big_published{0};
std::atomic<long> big_taken{0};
std::atomic<long> big_lead{0};
void fast_big_producer(ObjectStream<std::vector<char>>& s) {
  for (int i = 0; i < big_count; ++i) {
    s.publish(std::vector<char>(big_bytes, static_cast<char>(i)));
    const long lead = ++big_published - big_taken.load();
    long seen = big_lead.load();
    while (lead > seen && !big_lead.compare_exchange_weak(seen, lead)) {
    }
  }
}
void slow_big_consumer(ObjectStream<std::vector<char>>& s, long& peak_kib, long& count) {
  while (!s.is_closed()) {
    auto batch = s.poll(0.05);
    for (auto& v : batch) {
      ++big_taken;
      if (v.size() == big_bytes && v[big_bytes - 1] == static_cast<char>(count)) ++count;
      compss_test::pause_ms(2);
      peak_kib = std::max(peak_kib, resident_kib());
    }
  }
}
constexpr ParamSpec big_out[] = {{Direction::out, ParamKind::stream, "s"}};
constexpr TaskSpec big_producer_task{"fast_big_producer", "void fast_big_producer(ObjectStream<std::vector<char>> &)",
                                     big_out, 1};
constexpr ParamSpec big_in[] = {{Direction::in, ParamKind::stream, "s"},
                                {Direction::inout, ParamKind::object, "peak_kib"},
                                {Direction::inout, ParamKind::object, "count"}};
constexpr TaskSpec big_consumer_task{"slow_big_consumer",
                                     "void slow_big_consumer(ObjectStream<std::vector<char>> &, long &, long &)",
                                     big_in, 3};
}  // namespace

TEST_F(Streams, FastProducerBlocksSoResidentMemoryStaysBounded) {
  const long before = resident_kib();
  ASSERT_GT(before, 0);
  big_published = 0;
  big_taken = 0;
  big_lead = 0;
  ObjectStream<std::vector<char>> s("", compss::at_most_once, 8);
  long peak = 0;
  long count = 0;
  call_task<big_consumer_task, &slow_big_consumer>(s, peak, count);
  call_task<big_producer_task, &fast_big_producer>(s);
  compss::wait_on(count);
  compss::wait_on(peak);
  EXPECT_EQ(count, big_count);  // all, in order, none dropped
  // The producer was never more than the buffer (8) and one batch being read (8) ahead.
  EXPECT_LE(big_lead.load(), 2 * 8 + 1);
#if COMPSS_TEST_SANITIZED
  // (Sanitizers keep freed memory in quarantine: resident memory says nothing here.)
#else
  // 200 MiB went through; at most 8 in the buffer, one being built, one batch being read.
  EXPECT_LT(peak - before, 64L * 1024) << "resident memory grew by " << (peak - before) / 1024 << " MiB";
#endif
}

// ---- a retried producer in process (docs/streams.md, "A failed producer") ------------------

namespace {
// How many elements each attempt of retried_producer publishes (then the first attempts
// throw; the last returns), and how many attempts began.
std::vector<int> publish_per_attempt;
bool close_before_throw = false;
std::atomic<int> producer_attempts{0};
void retried_producer(ObjectStream<int>& s) {
  const int attempt = producer_attempts.fetch_add(1);
  const bool last = attempt + 1 >= static_cast<int>(publish_per_attempt.size());
  for (int i = 0; i < publish_per_attempt[attempt]; ++i) s.publish(i);
  if (last) return;
  if (close_before_throw) s.close();
  throw std::runtime_error("producer broke after publishing");
}
constexpr TaskSpec retried_producer_task{"retried_producer", "void retried_producer(ObjectStream<int> &)",
                                         one_stream_out, 1};

// The elements two consumer tasks received, per consumer.
std::vector<std::vector<int>> consume_retried(compss::ConsumerMode mode, std::vector<int> per_attempt,
                                              bool close_first = false) {
  publish_per_attempt = std::move(per_attempt);
  close_before_throw = close_first;
  producer_attempts = 0;
  ObjectStream<int> s("", mode, 4);  // (small: the retry publishes while consumers take)
  std::vector<std::vector<int>> got(2);
  for (auto& g : got) call_task<consume_task, &consume>(s, g);
  call_task<retried_producer_task, &retried_producer>(s);
  for (auto& g : got) compss::wait_on(g);
  // (The consumers may end before the retry starts: after a close() that closed the stream
  // they saw it closed. The producer's attempts are counted once it ended for good.)
  compss::barrier();
  EXPECT_EQ(producer_attempts.load(), static_cast<int>(publish_per_attempt.size()));
  return got;
}
std::map<int, int> counted(const std::vector<std::vector<int>>& got) {
  std::map<int, int> n;
  for (const auto& g : got) {
    for (int v : g) ++n[v];
  }
  return n;
}
std::map<int, int> each_times(int count, int times) {
  std::map<int, int> n;
  for (int i = 0; i < count; ++i) n[i] = times;
  return n;
}
}  // namespace

// Its first attempt publishes 7 of its 20 elements and throws; its retry publishes all 20:
// the retry's first 7 are dropped by position, each element arrives once (at_most_once:
// once in all; at_least_once: once to each consumer). (Before: 0..6 twice.)
TEST_F(Streams, RetriedProducerInProcessDeliversEachElementOnceAtMostOnce) {
  EXPECT_EQ(counted(consume_retried(compss::at_most_once, {7, 20})), each_times(20, 1));
}
TEST_F(Streams, RetriedProducerInProcessDeliversEachElementOnceToEachConsumerAtLeastOnce) {
  auto got = consume_retried(compss::at_least_once, {7, 20});
  for (const auto& g : got) EXPECT_EQ(counted({g}), each_times(20, 1));
}
// Three attempts: what the two failed ones published in all (the longer, 9) is dropped from
// the last one's.
TEST_F(Streams, ProducerRetriedTwiceInProcessIsMatchedWithBothEarlierAttempts) {
  EXPECT_EQ(counted(consume_retried(compss::at_most_once, {4, 9, 15})), each_times(15, 1));
}
// An attempt that closed its slot before throwing (the stream closed then): its retry
// publishes under that slot, its elements all dropped by position, and returns (before: a
// "publish after close()" error at each retry, the task failed for good).
TEST_F(Streams, ProducerThatClosedBeforeFailingIsRetriedUnderItsSlot) {
  EXPECT_EQ(counted(consume_retried(compss::at_least_once, {6, 6}, true)), each_times(6, 2));
}
// A retry that publishes fewer elements than its earlier attempts and returns: what the
// earlier attempts published stays delivered (once), and the consumers are told the retry
// diverged (before: a clean close, in silence) once they took it.
TEST_F(Streams, RetryPublishingFewerElementsClosesTheStreamWithAnError) {
  for (auto mode : {compss::at_most_once, compss::at_least_once}) {
    publish_per_attempt = {10, 3};
    close_before_throw = false;
    producer_attempts = 0;
    ObjectStream<int> s("", mode, 4);
    call_task<retried_producer_task, &retried_producer>(s);
    std::vector<int> got;
    std::string error;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    try {
      while (!s.is_closed() && std::chrono::steady_clock::now() < deadline) {
        for (int v : s.poll(0.05)) got.push_back(v);
      }
    } catch (const compss::Error& e) {
      error = e.what();
    }
    compss::barrier();
    EXPECT_EQ(producer_attempts.load(), 2);
    EXPECT_EQ(counted({got}), each_times(10, 1)) << "mode " << static_cast<int>(mode);
    EXPECT_NE(error.find("published 3 elements, fewer than its earlier attempts (10)"), std::string::npos)
        << "mode " << static_cast<int>(mode) << ": " << error;
  }
}

namespace {
std::atomic<int> file_attempts{0};
// The files each attempt of retried_file_producer writes and publishes, in order (all but
// the last attempt throw after theirs).
std::vector<std::vector<std::string>> files_per_attempt;
void retried_file_producer(compss::FileStream& s) {
  const int attempt = file_attempts.fetch_add(1);
  const bool last = attempt + 1 >= static_cast<int>(files_per_attempt.size());
  for (const std::string& name : files_per_attempt[attempt]) {
    const auto path = s.base_dir() / name;
    std::ofstream(path) << name;
    s.publish(path);
  }
  if (!last) throw std::runtime_error("writer broke");
  s.close();
}
constexpr TaskSpec retried_file_task{"retried_file_producer", "void retried_file_producer(FileStream &)",
                                     one_stream_out, 1};
void collect_files(compss::FileStream& s, std::vector<std::string>& names) {
  while (!s.is_closed()) {
    for (const auto& p : s.poll(0.05)) names.push_back(p.filename().string());
  }
}
constexpr ParamSpec collect_files_params[] = {{Direction::in, ParamKind::stream, "s"},
                                              {Direction::out, ParamKind::object, "names"}};
constexpr TaskSpec collect_files_task{"collect_files", "void collect_files(FileStream &, std::vector<std::string> &)",
                                      collect_files_params, 2};

std::vector<std::string> file_names(const std::string& prefix, std::vector<int> numbers) {
  std::vector<std::string> out;
  for (int i : numbers) out.push_back(prefix + std::to_string(i));
  return out;
}

// Runs retried_file_producer with `per_attempt` under two consumer tasks, in both modes:
// every file some attempt published arrives once (at_most_once) or once to each consumer
// (at_least_once), whatever the attempts' order and names.
void expect_each_published_file_once(const std::vector<std::vector<std::string>>& per_attempt) {
  for (auto mode : {compss::at_most_once, compss::at_least_once}) {
    files_per_attempt = per_attempt;
    file_attempts = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("compss-retried-files-" + std::to_string(::getpid()) + "-" + std::to_string(static_cast<int>(mode)));
    std::filesystem::remove_all(dir);
    compss::FileStream s(dir, "", mode, 4);
    std::vector<std::vector<std::string>> got(2);
    for (auto& g : got) call_task<collect_files_task, &collect_files>(s, g);
    call_task<retried_file_task, &retried_file_producer>(s);
    std::map<std::string, int> n;
    for (auto& g : got) {
      compss::wait_on(g);
      for (const auto& name : g) ++n[name];
    }
    compss::barrier();
    EXPECT_EQ(file_attempts.load(), static_cast<int>(per_attempt.size()));
    std::map<std::string, int> expected;
    const int times = mode == compss::at_least_once ? 2 : 1;
    for (const auto& attempt : per_attempt) {
      for (const auto& name : attempt) expected[name] = times;
    }
    EXPECT_EQ(n, expected) << "mode " << static_cast<int>(mode);
    std::filesystem::remove_all(dir);
  }
}
}  // namespace

// A file stream's retried producer: the files its first attempt published are known to the
// stream by name (not delivered twice), and the retry's other files are delivered.
TEST_F(Streams, RetriedFileStreamProducerInProcessDeliversEachFileOnce) {
  expect_each_published_file_once({file_names("file", {0, 1, 2, 3}), file_names("file", {0, 1, 2, 3, 4, 5, 6, 7, 8})});
}
// A retry that publishes its files in another order: files are matched by name, never by
// position (before: the retry's first four files, 8 to 5, were dropped as "the first
// attempt's", and never delivered).
TEST_F(Streams, RetriedFileStreamProducerPublishingInAnotherOrderLosesNoFile) {
  expect_each_published_file_once({file_names("file", {0, 1, 2, 3}), file_names("file", {8, 7, 6, 5, 4, 3, 2, 1, 0})});
}
// A retry that publishes files of other names (a time stamp in the name, say): each is a
// new file (before: the first three were dropped).
TEST_F(Streams, RetriedFileStreamProducerPublishingOtherNamesLosesNoFile) {
  expect_each_published_file_once({file_names("first", {0, 1, 2}), file_names("second", {0, 1, 2, 3, 4})});
}

// ---- file streams ----------------------------------------------------------------------------

namespace {
constexpr int file_count = 12;
constexpr int chunk = 4096;
// Writes each file in three chunks with pauses; even files under a .part name renamed
// when complete (picked up by the directory scan), odd ones in place, then published.
void write_files(compss::FileStream& s) {
  for (int i = 0; i < file_count; ++i) {
    const std::string name = "frame" + std::to_string(i);
    const bool rename = i % 2 == 0;
    auto target = s.base_dir() / name;
    auto path = rename ? s.base_dir() / ("." + name + ".part") : target;
    {
      std::ofstream out(path, std::ios::binary);
      for (int part = 0; part < 3; ++part) {
        out << std::string(chunk, static_cast<char>('a' + part)) << std::flush;
        compss_test::pause_ms(5);
      }
      out << "END";
    }
    if (rename) {
      std::filesystem::rename(path, target);
    } else {
      s.publish(target);
    }
  }
  s.close();
}
void check_files(compss::FileStream& s, long& complete, long& partial) {
  while (!s.is_closed()) {
    for (const auto& p : s.poll(0.05)) {
      std::string text = compss_test::read_all(p);
      if (text.size() == 3 * chunk + 3 && text.compare(text.size() - 3, 3, "END") == 0) {
        ++complete;
      } else {
        ++partial;
      }
    }
  }
}
constexpr ParamSpec files_out[] = {{Direction::out, ParamKind::stream, "s"}};
constexpr TaskSpec write_files_task{"write_files", "void write_files(FileStream &)", files_out, 1};
constexpr ParamSpec files_in[] = {{Direction::in, ParamKind::stream, "s"},
                                  {Direction::inout, ParamKind::object, "complete"},
                                  {Direction::inout, ParamKind::object, "partial"}};
constexpr TaskSpec check_files_task{"check_files", "void check_files(FileStream &, long &, long &)", files_in, 3};
}  // namespace

TEST_F(Streams, FileStreamDeliversEachFileOnceAndOnlyComplete) {
  auto dir = std::filesystem::temp_directory_path() / ("compss-filestream-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  compss::FileStream s(dir);
  long complete[2] = {0, 0};
  long partial[2] = {0, 0};
  for (int c = 0; c < 2; ++c) call_task<check_files_task, &check_files>(s, complete[c], partial[c]);
  call_task<write_files_task, &write_files>(s);
  for (int c = 0; c < 2; ++c) {
    compss::wait_on(complete[c]);
    compss::wait_on(partial[c]);
  }
  EXPECT_EQ(partial[0] + partial[1], 0);
  EXPECT_EQ(complete[0] + complete[1], file_count);  // at_most_once: once in all
  std::filesystem::remove_all(dir);
}

TEST_F(Streams, AtLeastOnceHandleMadeBeforePublishingMissesNothingWhateverItsTaskStarts) {
  ObjectStream<int> s("late-consumer", compss::at_least_once, 1000);
  ObjectStream<int> late("late-consumer", compss::at_least_once, 1000);  // its place: now
  std::vector<int> first;
  std::vector<int> second;
  call_task<range_task, &publish_range>(s, 0, 100);
  call_task<consume_task, &consume>(s, first);
  compss::wait_on(first);  // the first consumer finished with everything before...
  call_task<consume_task, &consume>(late, second);  // ...the second is even submitted
  compss::wait_on(second);
  EXPECT_EQ(first.size(), 100u);
  EXPECT_EQ(second.size(), 100u);  // (a place taken at submission: 0, the log was dropped)
}
