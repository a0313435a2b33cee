// Globals a task reads (task_globals.hpp): the master takes their values at submission
// (net/global_values.hpp), a request carries a value until the worker confirmed it holds
// it, and the worker loads it into its own variable before the task runs
// (net/worker_globals.hpp). Master and worker share this process here: a test sets the
// variables to other values (a worker's initial ones) after taking the master's.
#include "net/global_values.hpp"
#include "net/worker.hpp"
#include "net/worker_globals.hpp"

#include "test_support.hpp"

#include <compss/detail/remote_invoke.hpp>
#include <compss/detail/task_globals.hpp>

#include <atomic>
#include <string>
#include <thread>

using namespace compss::detail;
using namespace compss::net;

namespace {

int block_size = 0;
std::string label;

int read_globals() { return block_size * 100 + static_cast<int>(label.size()); }
constexpr TaskSpec read_spec{"read_globals", "int read_globals()", nullptr, 0};
constexpr GlobalVar read_vars[] = {global_var<&block_size>("block_size"),
                                   global_var<&label>("label")};
const bool read_registered = register_task_globals(read_spec.signature, read_vars, 2, nullptr);

void write_global() { ++block_size; }
constexpr TaskSpec write_spec{"write_global", "void write_global()", nullptr, 0};
const bool write_registered = register_task_globals(
    write_spec.signature, nullptr, 0, "it writes global 'block_size'");

// Instantiates the call sites, as a program built by compss-cc would; never called.
[[maybe_unused]] void call_sites() {
  call_task<read_spec, &read_globals>();
  call_task<write_spec, &write_global>();
}

const RemoteTask& read_task() {
  const RemoteTask* t = find_remote_task(read_spec.signature);
  if (t == nullptr) throw std::runtime_error("read_globals is not registered");
  return *t;
}

/// Runs a request for read_globals built from `snapshot` for worker `node` (encoded and
/// decoded), answers it to the master; returns the task's result.
int run_on_worker(GlobalValues& master, const GlobalSnapshot& snapshot, int node,
                  TaskRequest* sent = nullptr) {
  TaskRequest r{1, read_spec.signature, {}};
  master.add_to_request(snapshot, node, r);
  if (sent != nullptr) *sent = r;
  Message received;  // through the wire, as a worker gets it
  if (decode_frame(encode(Message{r}), received)) throw std::runtime_error("bad frame");
  Message reply = execute_request(std::get<TaskRequest>(std::move(received)));
  if (auto* f = std::get_if<TaskFailed>(&reply)) throw std::runtime_error(f->message);
  master.confirm(snapshot, node, r);
  int result = 0;
  compss::from_bytes(std::get<TaskDone>(reply).outputs.at(0).value, result);
  return result;
}

}  // namespace

TEST(NetGlobals, RegisteredWithTheTask) {
  const RemoteTask& t = read_task();
  EXPECT_TRUE(read_registered);
  ASSERT_EQ(t.global_count, 2u);
  EXPECT_STREQ(t.globals[0].name, "block_size");
  EXPECT_EQ(t.globals[0].address, &block_size);
  EXPECT_TRUE(t.travels());
}

TEST(NetGlobals, TaskWritingAGlobalNeverTravels) {
  const RemoteTask* t = find_remote_task(write_spec.signature);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(write_registered);
  EXPECT_TRUE(t->serializable);  // its parameters could travel...
  EXPECT_FALSE(t->travels());    // ...its global cannot
  EXPECT_STREQ(t->master_only, "it writes global 'block_size'");
}

TEST(NetGlobals, WorkerRunsWithTheMastersValues) {
  GlobalValues master;
  block_size = 24;
  label = "abc";
  auto snapshot = master.snapshot(read_task());
  block_size = 0;  // as on a worker, which never ran main
  label.clear();
  EXPECT_EQ(run_on_worker(master, *snapshot, 1), 2403);
}

TEST(NetGlobals, EachTaskGetsTheValuesOfItsSubmission) {
  GlobalValues master;
  block_size = 1;
  label = "";
  auto first = master.snapshot(read_task());
  block_size = 2;  // main changes it after submitting the first task
  auto second = master.snapshot(read_task());
  EXPECT_EQ(run_on_worker(master, *second, 1), 200);
  EXPECT_EQ(run_on_worker(master, *first, 1), 100);  // run later, still its own value
}

TEST(NetGlobals, UnchangedValueKeepsItsVersion) {
  GlobalValues master;
  block_size = 5;
  label = "x";
  auto a = master.snapshot(read_task());
  auto b = master.snapshot(read_task());
  EXPECT_EQ(a->values[0], b->values[0]);  // the same value, shared
  block_size = 6;
  auto c = master.snapshot(read_task());
  EXPECT_NE(c->values[0]->version, a->values[0]->version);
  EXPECT_EQ(c->values[1], a->values[1]);  // label did not change
}

TEST(NetGlobals, ValueTravelsOnceToEachWorker) {
  GlobalValues master;
  block_size = 7;
  label = "ab";
  auto snapshot = master.snapshot(read_task());
  TaskRequest first, again, other;
  EXPECT_EQ(run_on_worker(master, *snapshot, 1, &first), 702);
  EXPECT_TRUE(first.globals.at(0).has_value);
  // Confirmed by the answer: the next request names it by stamp.
  EXPECT_EQ(run_on_worker(master, *snapshot, 1, &again), 702);
  EXPECT_FALSE(again.globals.at(0).has_value);
  EXPECT_EQ(again.globals.at(0).stamp, first.globals.at(0).stamp);
  // The value stays with the request (its lineage record), to be sent again if needed.
  ASSERT_TRUE(again.globals.at(0).shared_value);
  EXPECT_EQ(*again.globals.at(0).shared_value, compss::to_bytes(7));
  // Another worker has not received it yet.
  EXPECT_EQ(run_on_worker(master, *snapshot, 2, &other), 702);
  EXPECT_TRUE(other.globals.at(0).has_value);
  // A new value travels again.
  block_size = 8;
  auto changed = master.snapshot(read_task());
  TaskRequest after;
  EXPECT_EQ(run_on_worker(master, *changed, 1, &after), 802);
  EXPECT_TRUE(after.globals.at(0).has_value);
}

TEST(NetGlobals, UnansweredValueIsSentAgain) {
  GlobalValues master;
  block_size = 9;
  auto snapshot = master.snapshot(read_task());
  TaskRequest a{1, read_spec.signature, {}}, b{2, read_spec.signature, {}};
  master.add_to_request(*snapshot, 1, a);
  master.add_to_request(*snapshot, 1, b);  // a not answered yet: b carries it too
  EXPECT_TRUE(a.globals.at(0).has_value);
  EXPECT_TRUE(b.globals.at(0).has_value);
}

TEST(NetGlobals, UnknownStampIsAnErrorNotTheInitialValue) {
  TaskRequest r{1, read_spec.signature, {}};
  r.globals.push_back(WireGlobal{.index = 0, .version = 77, .stamp = 123456});
  r.globals.push_back(WireGlobal{.index = 1, .version = 78, .stamp = 123457});
  auto f = std::get<TaskFailed>(execute_request(r));
  EXPECT_NE(f.message.find("global 'block_size'"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("is not on this worker"), std::string::npos) << f.message;
  // Data missing, which the master answers by sending the value again (not a failure).
  EXPECT_EQ(f.exception_type, "compss::DataMissing");
  TaskRequest bad{1, read_spec.signature, {}};
  bad.globals.push_back(WireGlobal{.index = 5, .version = 1, .stamp = 1, .has_value = true});
  f = std::get<TaskFailed>(execute_request(bad));
  EXPECT_NE(f.message.find("names global 5"), std::string::npos) << f.message;
  EXPECT_NE(f.exception_type, "compss::DataMissing");
}

TEST(NetGlobals, AnotherVersionWaitsForTheTasksReadingTheLoadedOne) {
  GlobalValues master;
  block_size = 10;
  label = "";
  auto v1 = master.snapshot(read_task());
  block_size = 11;
  auto v2 = master.snapshot(read_task());
  TaskRequest r1{1, read_spec.signature, {}}, r2{2, read_spec.signature, {}};
  master.add_to_request(*v1, 1, r1);
  master.add_to_request(*v2, 1, r2);
  WorkerGlobals& worker = worker_globals();
  worker.receive(read_task(), r1);
  worker.receive(read_task(), r2);
  std::atomic<bool> entered{false};
  std::thread second;
  {
    WorkerGlobals::Lease running = worker.enter(read_task(), r1);
    EXPECT_EQ(block_size, 10);
    second = std::thread([&] {
      WorkerGlobals::Lease lease = worker.enter(read_task(), r2);
      entered = true;
      EXPECT_EQ(block_size, 11);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(entered.load());  // the first task still reads version 1
    EXPECT_EQ(block_size, 10);
    // Another task reading version 1 does not wait.
    WorkerGlobals::Lease same = worker.enter(read_task(), r1);
    EXPECT_EQ(block_size, 10);
  }
  second.join();
  EXPECT_TRUE(entered.load());
}

namespace {
int grid[2][3];
}  // namespace

TEST(NetGlobals, ArrayOfRawElementsTravelsAsItsBytes) {
  constexpr GlobalVar g = global_var<&grid>("grid");
  for (int i = 0; i < 6; ++i) grid[i / 3][i % 3] = i + 1;
  compss::OutputArchive out;
  g.save(out, g.address);
  std::vector<std::byte> bytes = out.take();
  EXPECT_EQ(bytes.size(), sizeof grid);
  for (auto& row : grid) for (int& x : row) x = 0;  // a worker's initial value
  compss::InputArchive in(bytes);
  g.load(in, g.address);
  EXPECT_EQ(in.remaining(), 0u);
  EXPECT_EQ(grid[1][2], 6);
  EXPECT_EQ(grid[0][0], 1);
}

// The master names a confirmed value by stamp; more newer values than the worker keeps
// overtake that request. (Regression test: the request failed for good, "is not on this
// worker" as an ordinary task failure.) The worker says data missing; the request built
// again carries the value inline (the master's record moved on to the newer values, and
// forget() clears it in any case). Last in the file: it leaves the process's worker
// globals with a version number that a later test's master would reuse.
TEST(NetGlobals, OvertakenRequestGetsTheValueAgain) {
  GlobalValues master;
  block_size = 3;
  label = "x";
  auto old = master.snapshot(read_task());
  EXPECT_EQ(run_on_worker(master, *old, 4), 301);  // confirmed on worker 4
  TaskRequest overtaken{1, read_spec.signature, {}};
  master.add_to_request(*old, 4, overtaken);
  ASSERT_FALSE(overtaken.globals.at(0).has_value);  // named by its stamp
  for (int i = 0; i < 12; ++i) {  // newer values arrive first
    block_size = 100 + i;
    auto newer = master.snapshot(read_task());
    EXPECT_EQ(run_on_worker(master, *newer, 4), (100 + i) * 100 + 1);
  }
  Message received;  // through the wire: the worker gets no lineage record
  ASSERT_FALSE(decode_frame(encode(Message{overtaken}), received));
  auto f = std::get<TaskFailed>(execute_request(std::get<TaskRequest>(std::move(received))));
  EXPECT_EQ(f.exception_type, "compss::DataMissing") << f.message;
  master.forget(*old, 4);  // as Cluster::answered does for compss::DataMissing
  block_size = 0;          // (the worker's variable holds another value meanwhile)
  TaskRequest again;
  EXPECT_EQ(run_on_worker(master, *old, 4, &again), 301);
  EXPECT_TRUE(again.globals.at(0).has_value);
}
