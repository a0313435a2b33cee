// Worker data in one process: execute_request with a store (inline values cached, stored
// and fetched inputs, outputs kept by size, the result's datum, DataMissing), the peer
// data listener and fetcher over real sockets, and serve_tasks' pool and messages.
#include "settings/run_config.hpp"
#include "net/fake_transport.hpp"
#include "net/io_thread.hpp"
#include "net/peer_fetch.hpp"
#include "net/peer_server.hpp"
#include "net/test_pause.hpp"
#include "net/worker.hpp"
#include "net/worker_event_log.hpp"
#include "net/worker_store.hpp"

#include <compss/detail/call_task.hpp>
#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <optional>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <thread>

using namespace compss::detail;
using namespace compss::net;
using namespace std::chrono_literals;

namespace {

int add_into(const std::vector<int>& v, std::vector<int>& acc) {
  for (std::size_t i = 0; i < v.size() && i < acc.size(); ++i) acc[i] += v[i];
  return static_cast<int>(acc.size());
}
// Returns true when two calls are inside at once (bounded wait): shows the pool's width.
std::atomic<int> inside{0};
bool pair_up(int) {
  ++inside;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (inside.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
  return inside.load() >= 2;
}

constexpr ParamSpec add_params[] = {{Direction::in, ParamKind::object, "v"},
                                    {Direction::inout, ParamKind::object, "acc"}};
constexpr TaskSpec add_spec{"add_into", "int add_into(const std::vector<int> &, std::vector<int> &)",
                            add_params, 2};
constexpr ParamSpec pair_params[] = {{Direction::in, ParamKind::object, "x"}};
constexpr TaskSpec pair_spec{"pair_up", "bool pair_up(int)", pair_params, 1};

/// A user type whose serialize throws when it is saved.
struct Unsavable {
  int x = 0;
  template <class A> void serialize(A& ar) {
    if constexpr (std::is_same_v<A, compss::OutputArchive>) throw std::runtime_error("cannot save");
    ar(x);
  }
};
void make_unsavable(Unsavable& u) { u.x = 1; }
constexpr ParamSpec unsavable_params[] = {{Direction::out, ParamKind::object, "u"}};
constexpr TaskSpec unsavable_spec{"make_unsavable", "void make_unsavable(Unsavable &)",
                                  unsavable_params, 1};

/// Where the elements of its argument are: shows whether a task got the stored object or
/// a copy of it.
std::uintptr_t elements_at(const std::vector<int>& v) { return reinterpret_cast<std::uintptr_t>(v.data()); }
constexpr ParamSpec elements_params[] = {{Direction::in, ParamKind::object, "v"}};
constexpr TaskSpec elements_spec{"elements_at", "std::uintptr_t elements_at(const std::vector<int> &)",
                                 elements_params, 1};

[[maybe_unused]] void call_sites() {
  std::vector<int> v, acc;
  call_task<elements_spec, &elements_at>(v);
  call_task<add_spec, &add_into>(v, acc);
  call_task<pair_spec, &pair_up>(1);
  Unsavable u;
  call_task<unsavable_spec, &make_unsavable>(u);
}

const std::string secret = "peer-secret";

WireParam inline_param(std::uint64_t id, std::uint64_t version, Direction d, std::vector<std::byte> b) {
  WireParam p{.data_id = id, .version = version, .direction = static_cast<std::uint8_t>(d)};
  if (compss::detail::writes(d)) p.stored_as = version + 1;
  p.has_value = true;
  p.value = std::move(b);
  return p;
}
/// (A write is stored as the next version, as a master names it: WireParam::stored_as.)
WireParam held_param(std::uint64_t id, std::uint64_t version, Direction d, std::string source = {}) {
  WireParam p{.data_id = id, .version = version, .direction = static_cast<std::uint8_t>(d)};
  if (compss::detail::writes(d)) p.stored_as = version + 1;
  p.source = std::move(source);
  return p;
}
template <class T>
T stored(const WorkerStore& store, std::uint64_t id, std::uint64_t version) {
  T value{};
  if (auto held = store.get(id, version)) compss::detail::load_held(*held, value);
  return value;
}
PeerFetchOptions fetch_options(std::string with_secret = secret) {
  PeerFetchOptions o;
  o.hello.secret = std::move(with_secret);
  o.hello.node_name = "test";
  o.connect_timeout = 5s;
  o.reply_timeout = 5s;
  o.connection.log = nullptr;
  return o;
}
ListenerOptions server_options() {
  ListenerOptions o;
  o.secret = secret;
  o.connection.log = nullptr;
  return o;
}

}  // namespace

TEST(NetPeer, AnOutputThatCannotBeSerializedFailsTheTaskNotTheWorker) {
  WorkerStore store;
  TaskRequest r{1, unsavable_spec.signature, {held_param(5, 0, Direction::out)}};
  Message reply = execute_request(r, &store);
  ASSERT_TRUE(std::holds_alternative<TaskFailed>(reply));
  EXPECT_EQ(std::get<TaskFailed>(reply).exception_type, "std::runtime_error");
  EXPECT_EQ(std::get<TaskFailed>(reply).message, "cannot save");
  EXPECT_EQ(store.size(), 0u);
}

TEST(NetPeer, AConstRefParameterReadsTheStoredObjectItself) {
  WorkerStore store;
  WorkerStore::Value held = store.put(3, 1, hold_object(std::vector<int>(1000, 7)));
  const auto* stored_object = held->as<std::vector<int>>();
  ASSERT_NE(stored_object, nullptr);
  TaskRequest r{1, elements_spec.signature, {held_param(3, 1, Direction::in)}};
  auto done = std::get<TaskDone>(execute_request(r, &store));
  ASSERT_EQ(done.outputs.size(), 1u);  // the result, inline (no datum for it)
  std::uintptr_t seen = 0;
  compss::from_bytes(done.outputs[0].value, seen);
  EXPECT_EQ(seen, reinterpret_cast<std::uintptr_t>(stored_object->data()));  // not a copy
}

TEST(NetPeer, InlineInputsAreCachedAndOutputsStayInTheStore) {
  WorkerStore store;
  TaskRequest r{1, add_spec.signature,
                {inline_param(1, 4, Direction::in, compss::to_bytes(std::vector<int>{1, 2})),
                 inline_param(2, 1, Direction::inout, compss::to_bytes(std::vector<int>{10, 20})),
                 held_param(3, 0, Direction::out)}};  // the result's datum
  auto done = std::get<TaskDone>(execute_request(r, &store));
  ASSERT_EQ(done.outputs.size(), 2u);  // the result, then acc
  for (const WireParam& o : done.outputs) {
    EXPECT_FALSE(o.has_value);
    EXPECT_TRUE(o.value.empty());
    EXPECT_GT(o.size, 0u);
  }
  EXPECT_EQ(done.outputs[0].data_id, 3u);
  EXPECT_EQ(done.outputs[0].version, 1u);
  EXPECT_EQ(done.outputs[1].data_id, 2u);
  EXPECT_EQ(done.outputs[1].version, 2u);
  EXPECT_EQ(done.outputs[1].size, store.get(2, 2)->size());
  EXPECT_EQ(stored<int>(store, 3, 1), 2);
  EXPECT_EQ(stored<std::vector<int>>(store, 2, 2), (std::vector<int>{11, 22}));
  // Inline inputs were cached as the versions read.
  EXPECT_EQ(stored<std::vector<int>>(store, 1, 4), (std::vector<int>{1, 2}));
  EXPECT_EQ(stored<std::vector<int>>(store, 2, 1), (std::vector<int>{10, 20}));

  // A second task reads both from the store: no values travel.
  TaskRequest again{2, add_spec.signature, {held_param(1, 4, Direction::in), held_param(2, 2, Direction::inout)}};
  done = std::get<TaskDone>(execute_request(again, &store));
  ASSERT_EQ(done.outputs.size(), 2u);
  EXPECT_TRUE(done.outputs[0].has_value);  // no result datum: the result travels inline
  EXPECT_EQ(done.outputs[0].data_id, 0u);
  EXPECT_EQ(stored<std::vector<int>>(store, 2, 3), (std::vector<int>{12, 24}));
}

// What a task writes is stored as the version the master names (WireParam::stored_as, the
// registry's version of the write: net/version_number.hpp), not one after the version it
// read (before, the worker derived version + 1, which the master had to map back); a
// request naming no version after the one read for a written datum fails clearly.
TEST(NetPeer, AnOutputIsStoredAsTheVersionTheMasterNames) {
  WorkerStore store;
  WireParam acc = inline_param(2, 6ull << 32 | 1, Direction::inout,
                               compss::to_bytes(std::vector<int>{10, 20}));
  acc.stored_as = 7ull << 32;
  WireParam result = held_param(3, 0, Direction::out);
  result.stored_as = 1ull << 32;
  TaskRequest r{1, add_spec.signature,
                {inline_param(1, 4ull << 32, Direction::in, compss::to_bytes(std::vector<int>{1, 2})),
                 acc, result}};
  auto done = std::get<TaskDone>(execute_request(r, &store));
  ASSERT_EQ(done.outputs.size(), 2u);  // the result, then acc
  EXPECT_EQ(done.outputs[0].version, 1ull << 32);
  EXPECT_EQ(done.outputs[1].version, 7ull << 32);
  EXPECT_EQ(stored<int>(store, 3, 1ull << 32), 2);
  EXPECT_EQ(stored<std::vector<int>>(store, 2, 7ull << 32), (std::vector<int>{11, 22}));
  EXPECT_EQ(store.get(2, (6ull << 32 | 1) + 1), nullptr);

  acc.stored_as = acc.version;  // names no later version
  TaskRequest bad{2, add_spec.signature,
                  {inline_param(1, 4ull << 32, Direction::in, compss::to_bytes(std::vector<int>{1, 2})),
                   acc}};
  Message reply = execute_request(bad, &store);
  ASSERT_TRUE(std::holds_alternative<TaskFailed>(reply));
  EXPECT_NE(std::get<TaskFailed>(reply).message.find("names no version to store"), std::string::npos)
      << std::get<TaskFailed>(reply).message;
}

TEST(NetPeer, AMissingInputIsDataMissingNamingIt) {
  WorkerStore store;
  TaskRequest r{5, add_spec.signature, {held_param(41, 2, Direction::in), held_param(42, 1, Direction::inout)}};
  auto f = std::get<TaskFailed>(execute_request(r, &store));
  EXPECT_EQ(f.task_id, 5u);
  EXPECT_EQ(f.exception_type, "compss::DataMissing");
  EXPECT_NE(f.message.find("data 41 version 2"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("parameter 'v'"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("no source"), std::string::npos) << f.message;

  IoThread io;
  PeerFetcher peers(io.context(), fetch_options());
  r.params[0].source = "127.0.0.1:1";  // nothing listens there
  f = std::get<TaskFailed>(execute_request(r, &store, &peers));
  EXPECT_EQ(f.exception_type, "compss::DataMissing");
  EXPECT_NE(f.message.find("fetching it from 127.0.0.1:1 failed"), std::string::npos) << f.message;
}

TEST(NetPeer, WrongParameterCountIsReported) {
  WorkerStore store;
  TaskRequest r{1, add_spec.signature, {held_param(1, 1, Direction::in)}};
  auto f = std::get<TaskFailed>(execute_request(r, &store));
  EXPECT_NE(f.message.find("expects 2 parameters"), std::string::npos) << f.message;
  r.params.assign(4, held_param(1, 1, Direction::in));
  f = std::get<TaskFailed>(execute_request(r, &store));
  EXPECT_NE(f.message.find("got 4"), std::string::npos) << f.message;
}

TEST(NetPeer, InputsAreFetchedFromTheSourceAndCached) {
  IoThread io;
  WorkerStore a_store;  // node A holds datum 1 version 4
  a_store.put(1, 4, compss::to_bytes(std::vector<int>{5, 6}));
  a_store.put(2, 7, compss::to_bytes(std::vector<int>{1, 1}));
  PeerServer a(io.context(), server_options(), a_store);
  std::string source = "127.0.0.1:" + std::to_string(a.port());

  WorkerStore b_store;
  PeerFetcher peers(io.context(), fetch_options());
  TaskRequest r{1, add_spec.signature,
                {held_param(1, 4, Direction::in, source), held_param(2, 7, Direction::inout, source)}};
  auto done = std::get<TaskDone>(execute_request(r, &b_store, &peers));
  ASSERT_EQ(done.outputs.size(), 2u);
  EXPECT_EQ(stored<std::vector<int>>(b_store, 2, 8), (std::vector<int>{6, 7}));
  EXPECT_NE(b_store.get(1, 4), nullptr);  // cached: the next task does not fetch again
  EXPECT_EQ(peers.cached_connections(), 1u);  // one connection, reused for both fetches

  std::shared_ptr<const compss::detail::HeldValue> out;
  std::string why;
  EXPECT_FALSE(peers.fetch(source, 9, 9, nullptr, out, why));
  EXPECT_NE(why.find("does not hold it"), std::string::npos) << why;
}

TEST(NetPeer, AFetcherWithoutTheSecretIsRefused) {
  IoThread io;
  WorkerStore store;
  store.put(1, 1, compss::to_bytes(1));
  PeerServer server(io.context(), server_options(), store);
  PeerFetcher stranger(io.context(), fetch_options("wrong"));
  std::shared_ptr<const compss::detail::HeldValue> out;
  std::string why;
  EXPECT_FALSE(stranger.fetch("127.0.0.1:" + std::to_string(server.port()), 1, 1, nullptr, out, why));
  EXPECT_EQ(out, nullptr);
  EXPECT_NE(why.find("no answer"), std::string::npos) << why;
}

TEST(NetPeer, ServeTasksRunsCoresTasksAtOnceAndAnswersDataMessages) {
  auto [master, worker] = make_fake_pair();
  WorkerStore store;
  store.put(8, 1, compss::to_bytes(std::string("kept")));
  bool orderly = false;
  std::size_t served = 0;
  std::thread serving([&, w = worker] { served = serve_tasks(*w, {.cores = 2, .store = &store}, &orderly); });

  inside = 0;
  ASSERT_FALSE(master->send(TaskRequest{1, pair_spec.signature, {inline_param(0, 0, Direction::in, compss::to_bytes(1))}}));
  ASSERT_FALSE(master->send(TaskRequest{2, pair_spec.signature, {inline_param(0, 0, Direction::in, compss::to_bytes(2))}}));
  ASSERT_FALSE(master->send(DataFetchRequest{8, 1}));
  ASSERT_FALSE(master->send(DataRelease{8, 1}));
  ASSERT_FALSE(master->send(DataFetchRequest{8, 1}));
  ASSERT_FALSE(master->send(Shutdown{}));

  int paired = 0, replies = 0;
  std::vector<bool> found;
  for (int i = 0; i < 4; ++i) {
    Message m;
    ASSERT_FALSE(master->receive(m, 30s)) << "reply " << i;
    if (auto* d = std::get_if<TaskDone>(&m)) {
      bool both = false;
      compss::from_bytes(d->outputs.at(0).value, both);
      paired += both ? 1 : 0;
      ++replies;
    } else if (auto* f = std::get_if<DataFetchReply>(&m)) {
      found.push_back(f->found);
    }
  }
  serving.join();
  EXPECT_EQ(replies, 2);
  EXPECT_EQ(paired, 2);  // both tasks were inside at once
  EXPECT_EQ(found, (std::vector<bool>{true, false}));  // released between the two fetches
  EXPECT_TRUE(orderly);
  EXPECT_EQ(served, 2u);
}

// The worker's data path moves values, never copies them (docs/distributed.md): the checks
// compare buffer addresses and share counts.

TEST(NetPeer, StorePutMovesTheBytesIn) {
  WorkerStore store;
  std::vector<std::byte> bytes(4096, std::byte{3});
  const std::byte* data = bytes.data();
  WorkerStore::Value held = store.put(5, 1, std::move(bytes));
  ASSERT_NE(held, nullptr);
  std::vector<std::byte> scratch;
  EXPECT_EQ(held->view(scratch).data(), data);  // the same buffer: moved, not copied
  EXPECT_EQ(store.get(5, 1), held);
  EXPECT_EQ(store.bytes(), 4096u);
}

TEST(NetPeer, AnswerFetchSharesTheStoredBytes) {
  WorkerStore store;
  WorkerStore::Value held = store.put(6, 2, std::vector<std::byte>(1000, std::byte{9}));
  DataFetchReply reply = answer_fetch(store, DataFetchRequest{6, 2});
  EXPECT_TRUE(reply.found);
  EXPECT_EQ(reply.shared_value, held);  // the stored buffer itself
  EXPECT_TRUE(reply.value.empty());
  EXPECT_EQ(held.use_count(), 3);  // `held`, the store, the reply
  store.release(6, 2);  // the reply keeps its bytes alive while it is sent
  EXPECT_EQ(reply.shared_value->size(), 1000u);

  DataFetchReply missing = answer_fetch(store, DataFetchRequest{6, 2});
  EXPECT_FALSE(missing.found);
  EXPECT_EQ(missing.shared_value, nullptr);
}

TEST(NetPeer, InlineInputsMoveIntoTheStore) {
  WorkerStore store;
  std::vector<std::byte> v = compss::to_bytes(std::vector<int>{1, 2, 3});
  const std::byte* data = v.data();
  TaskRequest r{1, add_spec.signature, {}};
  r.params.push_back(inline_param(1, 4, Direction::in, std::move(v)));  // (a braced list copies)
  r.params.push_back(inline_param(2, 1, Direction::inout, compss::to_bytes(std::vector<int>{1, 1, 1})));
  ASSERT_EQ(r.params[0].value.data(), data);
  auto done = std::get<TaskDone>(execute_request(std::move(r), &store));
  ASSERT_EQ(done.outputs.size(), 2u);
  ASSERT_NE(store.get(1, 4), nullptr);
  std::vector<std::byte> scratch;
  EXPECT_EQ(store.get(1, 4)->view(scratch).data(), data);  // the request's buffer, moved in
  EXPECT_EQ(stored<std::vector<int>>(store, 2, 2), (std::vector<int>{2, 3, 4}));
}

TEST(NetPeer, ALargeFetchedValueEqualsTheSourceBytes) {
  IoThread io;
  WorkerStore a_store;
  std::vector<int> big(3 * 1024 * 1024 + 7);  // ~12 MiB: many socket buffers' worth
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int>(i * 2654435761u);
  // One value held as bytes, one as the object a task left (sent from its own memory).
  std::vector<std::byte> source_bytes = compss::to_bytes(big);
  a_store.put(1, 1, source_bytes);
  a_store.put(2, 1, compss::detail::hold_object(std::vector<int>(big.size(), 0)));
  PeerServer a(io.context(), server_options(), a_store);
  std::string source = "127.0.0.1:" + std::to_string(a.port());

  std::shared_ptr<const compss::detail::HeldValue> out;
  std::string why;
  PeerFetcher peers(io.context(), fetch_options());
  ASSERT_TRUE(peers.fetch(source, 1, 1, nullptr, out, why)) << why;
  EXPECT_EQ(out->to_bytes(), source_bytes);

  // Through a task: both inputs fetched, stored on B, the sum computed from them.
  WorkerStore b_store;
  TaskRequest r{1, add_spec.signature,
                {held_param(1, 1, Direction::in, source), held_param(2, 1, Direction::inout, source)}};
  auto done = std::get<TaskDone>(execute_request(std::move(r), &b_store, &peers));
  ASSERT_EQ(done.outputs.size(), 2u);
  ASSERT_NE(b_store.get(1, 1), nullptr);
  // Received straight into the vector the task reads (its parameter is a const&).
  ASSERT_NE(b_store.get(1, 1)->as<std::vector<int>>(), nullptr);
  EXPECT_EQ(*b_store.get(1, 1)->as<std::vector<int>>(), big);
  EXPECT_EQ(b_store.get(1, 1).use_count(), 2);  // only the store (and this temporary) hold it
  EXPECT_EQ(stored<std::vector<int>>(b_store, 2, 2), big);  // 0 + big
}

TEST(NetPeer, ServeTasksQueuesMoreRequestsThanSlots) {
  // The master keeps a window of requests in flight: with one slot, the rest wait in the
  // connection and are all answered.
  auto [master, worker] = make_fake_pair();
  WorkerStore store;
  bool orderly = false;
  std::size_t served = 0;
  std::thread serving([&, w = worker] { served = serve_tasks(*w, {.cores = 1, .store = &store}, &orderly); });
  constexpr int requests = 8;
  for (int i = 0; i < requests; ++i) {
    ASSERT_FALSE(master->send(TaskRequest{
        static_cast<std::uint64_t>(i + 1), add_spec.signature,
        {inline_param(0, 0, Direction::in, compss::to_bytes(std::vector<int>{i})),
         inline_param(0, 0, Direction::inout, compss::to_bytes(std::vector<int>{100}))}}));
  }
  ASSERT_FALSE(master->send(Shutdown{}));
  std::vector<bool> answered(requests, false);
  for (int i = 0; i < requests; ++i) {
    Message m;
    ASSERT_FALSE(master->receive(m, 30s)) << "reply " << i;
    auto* d = std::get_if<TaskDone>(&m);
    ASSERT_NE(d, nullptr);
    ASSERT_GE(d->task_id, 1u);
    ASSERT_LE(d->task_id, static_cast<std::uint64_t>(requests));
    answered[d->task_id - 1] = true;
    std::vector<int> acc;
    compss::from_bytes(d->outputs.at(1).value, acc);  // the result, then acc
    EXPECT_EQ(acc, (std::vector<int>{100 + static_cast<int>(d->task_id) - 1}));
  }
  serving.join();
  EXPECT_EQ(answered, std::vector<bool>(requests, true));
  EXPECT_TRUE(orderly);
  EXPECT_EQ(served, static_cast<std::size_t>(requests));
}

// Traces (docs/traces.md): a clock probe comes back at once with the worker's time and
// turns on its own events; each task thread then tells which of its threads took each
// request's inputs, ran its body (with its outcome) and answered, in batches, the last one
// before the worker ends; the data server tells what it sent.
TEST(NetPeer, ServeTasksAnswersClockProbesAndSendsItsOwnEventsInBatches) {
  auto [master, worker] = make_fake_pair();
  WorkerStore store;
  WorkerEventLog events;
  std::thread serving([&, w = worker] { serve_tasks(*w, {.cores = 2, .store = &store, .events = &events}); });
  const std::int64_t sent = worker_clock_ns();
  ASSERT_FALSE(master->send(ClockProbe{sent, 0, true}));
  constexpr int requests = 4;
  for (int i = 0; i < requests; ++i) {
    ASSERT_FALSE(master->send(TaskRequest{
        static_cast<std::uint64_t>(i + 1), add_spec.signature,
        {inline_param(0, 0, Direction::in, compss::to_bytes(std::vector<int>{i})),
         inline_param(0, 0, Direction::inout, compss::to_bytes(std::vector<int>{100}))}}));
  }
  ASSERT_FALSE(master->send(TaskRequest{9, "void no_such(int)", {}}));  // fails: outcome 1
  ASSERT_FALSE(master->send(Shutdown{}));
  std::map<std::uint64_t, std::vector<WireEvent>> by_request;
  int answers = 0;
  bool probed = false;
  for (;;) {
    Message m;
    if (master->receive(m, 30s)) break;  // (closed once the worker ended)
    if (auto* p = std::get_if<ClockProbe>(&m)) {
      probed = true;
      EXPECT_EQ(p->master_ns, sent);
      EXPECT_GE(p->worker_ns, sent);  // one process, one clock
      EXPECT_LE(p->worker_ns, worker_clock_ns());
    } else if (auto* e = std::get_if<WorkerEvents>(&m)) {
      EXPECT_EQ(e->dropped, 0u);
      for (const WireEvent& w : e->events) by_request[w.request].push_back(w);
    } else if (std::holds_alternative<TaskDone>(m) || std::holds_alternative<TaskFailed>(m)) {
      ++answers;
    }
    if (answers == requests + 1 && by_request.size() == requests + 1) break;
  }
  serving.join();
  EXPECT_TRUE(probed);
  EXPECT_EQ(answers, requests + 1);
  ASSERT_EQ(by_request.size(), static_cast<std::size_t>(requests + 1));
  for (int i = 1; i <= requests; ++i) {
    const std::vector<WireEvent>& e = by_request[i];
    ASSERT_EQ(e.size(), 3u) << "request " << i;
    EXPECT_EQ(e[0].kind, static_cast<std::uint8_t>(WorkerEventKind::inputs));
    EXPECT_EQ(e[1].kind, static_cast<std::uint8_t>(WorkerEventKind::task));
    EXPECT_EQ(e[2].kind, static_cast<std::uint8_t>(WorkerEventKind::outputs));
    EXPECT_EQ(e[1].outcome, 0);
    EXPECT_TRUE(e[1].thread == 1 || e[1].thread == 2) << e[1].thread;  // one of its 2 task threads
    EXPECT_EQ(e[0].thread, e[1].thread);
    EXPECT_LE(e[0].begin_ns, e[1].begin_ns);
    EXPECT_LE(e[1].begin_ns, e[1].end_ns);
    EXPECT_LE(e[1].end_ns, e[2].begin_ns);
    EXPECT_LE(e[2].begin_ns, e[2].end_ns);
  }
  ASSERT_EQ(by_request[9].size(), 1u);  // failed before its body: only its inputs' step
  EXPECT_EQ(by_request[9][0].outcome, 1);
}

TEST(NetPeer, AWorkersEventsAreKeptOnlyWhenAskedAndWithinTheirBound) {
  WorkerEventLog log(3, 2, std::chrono::hours(1));
  log.add({.kind = 1, .thread = 1});
  EXPECT_FALSE(log.take(true));  // not asked: nothing kept
  log.start();
  log.add({.kind = 1, .thread = 1});
  EXPECT_FALSE(log.take(false));  // one event: not a batch yet, and not old
  log.add({.kind = 1, .thread = 2});
  std::optional<WorkerEvents> batch = log.take(false);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->events.size(), 2u);
  for (int i = 0; i < 5; ++i) log.add({.kind = 2, .thread = 1});
  batch = log.take(true);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->events.size(), 3u);  // at most 3 wait
  EXPECT_EQ(batch->dropped, 2u);        // the others are said to be lost
  EXPECT_FALSE(log.take(true));
}

TEST(NetPeer, TheDataServerTellsWhatItSent) {
  IoThread io;
  WorkerStore store;
  store.put(1, 1, std::vector<std::byte>(1000, std::byte{1}));
  WorkerEventLog events;
  events.start();
  PeerServer server(io.context(), server_options(), store, &events);
  PeerFetcher peers(io.context(), fetch_options());
  std::shared_ptr<const compss::detail::HeldValue> out;
  std::string why;
  ASSERT_TRUE(peers.fetch("127.0.0.1:" + std::to_string(server.port()), 1, 1, nullptr, out, why)) << why;
  std::optional<WorkerEvents> batch;
  for (int i = 0; i < 1000 && !(batch = events.take(true)); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(batch);  // (told after the send: the fetcher may get the bytes first)
  ASSERT_EQ(batch->events.size(), 1u);
  EXPECT_EQ(batch->events[0].kind, static_cast<std::uint8_t>(WorkerEventKind::serve));
  EXPECT_EQ(batch->events[0].thread, 0u);
  EXPECT_GE(batch->events[0].bytes, 1000u);
}

// The fault tests' pause (ConnectionOptions::pause, net/test_pause.hpp): once per large
// frame, after pause_after bytes, with the frame's size; the value still arrives whole;
// a frame no longer than pause_after is not paused.
TEST(NetPeer, ATestPauseComesOncePerLargeFrameAndTheValueStaysWhole) {
  IoThread io;
  WorkerStore store;
  std::vector<int> big(1024 * 1024 + 3);  // 4 MiB and a bit
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int>(i * 2654435761u);
  std::vector<std::byte> bytes = compss::to_bytes(big);
  store.put(1, 1, bytes);
  store.put(2, 1, compss::to_bytes(std::vector<int>(1000, 7)));  // 4 KB: not paused
  PeerServer server(io.context(), server_options(), store);
  std::string source = "127.0.0.1:" + std::to_string(server.port());

  std::vector<std::size_t> pauses;  // the frame sizes the pause was called with
  PeerFetchOptions o = fetch_options();
  o.connection.pause_after = 1 << 20;
  o.connection.pause = [&](const std::string& peer, std::size_t frame_bytes) {
    EXPECT_EQ(peer, source);
    pauses.push_back(frame_bytes);
  };
  PeerFetcher peers(io.context(), o);
  std::shared_ptr<const compss::detail::HeldValue> out;
  std::string why;
  ASSERT_TRUE(peers.fetch(source, 1, 1, nullptr, out, why)) << why;
  EXPECT_EQ(out->to_bytes(), bytes);
  ASSERT_TRUE(peers.fetch(source, 2, 1, nullptr, out, why)) << why;
  ASSERT_TRUE(peers.fetch(source, 1, 1, nullptr, out, why)) << why;
  EXPECT_EQ(out->to_bytes(), bytes);
  EXPECT_EQ(pauses, (std::vector<std::size_t>{bytes.size(), bytes.size()}));
}

TEST(NetPeer, TheTestPauseVariableIsCheckedAndOffWhenUnset) {
  ::unsetenv("COMPSS_TEST_PAUSE_IN_TRANSFER");
  compss::config::load_run_config();  // (a run reads it at start)
  EXPECT_FALSE(pause_in_transfer_from_env());
  ::setenv("COMPSS_TEST_PAUSE_IN_TRANSFER", "250", 1);
  compss::config::load_run_config();
  EXPECT_TRUE(pause_in_transfer_from_env());
  for (const char* bad : {"", "0", "-5", "10ms", "600001"}) {
    ::setenv("COMPSS_TEST_PAUSE_IN_TRANSFER", bad, 1);
    try {
      compss::config::load_run_config();
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const compss::Error& e) {
      EXPECT_NE(std::string(e.what()).find("COMPSS_TEST_PAUSE_IN_TRANSFER='" + std::string(bad) +
                                           "': expected a pause in milliseconds"),
                std::string::npos)
          << e.what();
    }
  }
  ::unsetenv("COMPSS_TEST_PAUSE_IN_TRANSFER");
  compss::config::load_run_config();
}
