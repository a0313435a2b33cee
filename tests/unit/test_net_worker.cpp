// Real worker processes over TCP: the test plays the master (Listener + WorkerLink or
// raw messages) for net_worker_program, which serves tasks because COMPSS_WORKER is set.
#include "net/io_thread.hpp"
#include "net/listener.hpp"
#include "net/peer_fetch.hpp"
#include "net/worker.hpp"
#include "net/worker_link.hpp"
#include "net/tcp_connection.hpp"

#include <compss/error.hpp>
#include <compss/serialize.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

extern char** environ;

using namespace compss::net;
using namespace std::chrono_literals;

namespace {

/// Starts net_worker_program with extra environment entries (its stderr into
/// `stderr_path` when given); returns its pid.
pid_t spawn_program(std::vector<std::string> extra_env, const std::string& stderr_path = {}) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (auto& x : extra_env) env.push_back(std::move(x));
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string path = COMPSS_NET_WORKER_PROGRAM;
  char* argv[] = {path.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  pid_t pid = -1;
  int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A scratch directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("compss_net_worker_" + std::to_string(getpid()) + "_" +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

/// One connected worker as the master sees it.
struct Worker {
  std::shared_ptr<Endpoint> conn;
  Hello hello;
  /// Where other workers fetch this one's data (what the master puts in WireParam::source).
  std::string source() const { return peer_host(*conn) + ":" + std::to_string(hello.data_port); }
};

Worker accept_worker(Listener& listener) {
  Worker w;
  w.conn = listener.accept(30s);
  if (!w.conn) throw compss::Error("the worker did not connect");
  Message m;
  compss::net::throw_if_error(w.conn->receive(m, 30s), "no hello");
  w.hello = std::get<Hello>(m);
  return w;
}

/// The next message on `w` (bounded); fails the test on a timeout or close.
Message next(Worker& w) {
  Message m;
  std::error_code ec = w.conn->receive(m, 30s);
  EXPECT_FALSE(ec) << ec.message();
  return m;
}

std::vector<std::string> worker_env(const Listener& listener) {
  return {"COMPSS_WORKER=127.0.0.1:" + std::to_string(listener.port()), "COMPSS_SECRET=run-secret"};
}

/// (A write is stored as the next version, as a master names it: WireParam::stored_as.)
WireParam held(std::uint64_t id, std::uint64_t version, std::uint8_t direction, std::string source = {}) {
  WireParam p{.data_id = id, .version = version, .direction = direction};
  if (direction != 0) p.stored_as = version + 1;
  p.source = std::move(source);
  return p;
}

constexpr std::uint8_t in_dir = 0, out_dir = 1, inout_dir = 2;
const std::string square_sig = "void square_all(std::vector<double> &)";
const std::string greet_sig = "std::string greet(const std::string &)";

/// Waits at most `limit` for `pid`; kills it if it is still running. Returns its exit
/// code (-2: it was still running).
int wait_exit(pid_t pid, std::chrono::milliseconds limit = 30s) {
  for (std::int64_t i = 0; i < limit / 10ms; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -2;
}

WireParam value(std::vector<std::byte> bytes) {
  WireParam p;
  p.has_value = true;
  p.value = std::move(bytes);
  return p;
}

}  // namespace

TEST(NetWorker, RealWorkerRunsTasksAndReportsFailures) {
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  pid_t pid = spawn_program(worker_env(listener));
  ASSERT_GT(pid, 0);
  {
    Worker w = accept_worker(listener);
    EXPECT_EQ(w.hello.pid, static_cast<std::uint32_t>(pid));
    std::atomic<int> lost{0};
    // The master's view of the worker (net/worker_link.hpp).
    WorkerLink worker(1, w.conn, w.hello, "127.0.0.1", [&](int, const std::string&) { ++lost; });

    TaskRequest square{0, "void square_all(std::vector<double> &)",
                       {value(compss::to_bytes(std::vector<double>{1, 2, 3}))}};
    CallResult r = worker.call(square);
    ASSERT_EQ(r.status, CallResult::Status::done);
    ASSERT_EQ(r.done.outputs.size(), 1u);
    std::vector<double> v;
    compss::from_bytes(r.done.outputs[0].value, v);  // data id 0: the value comes back inline
    EXPECT_EQ(v, (std::vector<double>{1, 4, 9}));

    TaskRequest greet{0, "std::string greet(const std::string &)",
                      {value(compss::to_bytes(std::string("worker")))}};
    r = worker.call(greet);
    ASSERT_EQ(r.status, CallResult::Status::done);
    ASSERT_EQ(r.done.outputs.size(), 1u);
    std::string s;
    compss::from_bytes(r.done.outputs[0].value, s);
    EXPECT_EQ(s, "hello worker");

    TaskRequest fail{0, greet.signature, {value(compss::to_bytes(std::string()))}};
    r = worker.call(fail);
    ASSERT_EQ(r.status, CallResult::Status::failed);
    EXPECT_EQ(r.failed.exception_type, "std::runtime_error");
    EXPECT_EQ(r.failed.message, "nobody to greet");
    worker.shutdown();
    EXPECT_EQ(lost.load(), 0);  // an orderly end is not a loss
  }
  EXPECT_EQ(wait_exit(pid), 0);
}

TEST(NetWorker, AKilledWorkerEndsItsPendingCallsAsLost) {
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  pid_t pid = spawn_program(worker_env(listener));
  ASSERT_GT(pid, 0);
  Worker w = accept_worker(listener);
  std::atomic<int> lost{0};
  WorkerLink worker(1, w.conn, w.hello, "127.0.0.1",
                    [&](int node, const std::string&) { lost += node; });
  kill(pid, SIGKILL);
  TaskRequest greet{0, "std::string greet(const std::string &)",
                    {value(compss::to_bytes(std::string("worker")))}};
  CallResult r = worker.call(greet);  // ends when the connection does, not after a time-out
  EXPECT_EQ(r.status, CallResult::Status::lost);
  // (The call may end on the failed send before the receiver has seen the close.)
  for (int i = 0; i < 1000 && worker.alive(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(worker.alive());
  EXPECT_EQ(lost.load(), 1);
  waitpid(pid, nullptr, 0);
}

TEST(NetWorker, HelloReportsCoresNameAndDataPortAndTheWorkerEntersItsDirectory) {
  TempDir tmp;
  std::filesystem::path dir = tmp.path / "new" / "sub";  // created by the worker
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  auto env = worker_env(listener);
  env.insert(env.end(), {"COMPSS_WORKER_CORES=3", "COMPSS_WORKER_NAME=alpha",
                         "COMPSS_WORKING_DIR=" + dir.string()});
  pid_t pid = spawn_program(env);
  ASSERT_GT(pid, 0);
  {
    Worker w = accept_worker(listener);
    EXPECT_EQ(w.hello.cores, 3u);
    EXPECT_EQ(w.hello.node_name, "alpha");
    EXPECT_NE(w.hello.data_port, 0);
    ASSERT_FALSE(w.conn->send(TaskRequest{1, "std::string current_dir()", {}}));
    Message m = next(w);
    ASSERT_TRUE(std::holds_alternative<TaskDone>(m));
    std::string cwd;
    compss::from_bytes(std::get<TaskDone>(m).outputs.at(0).value, cwd);
    EXPECT_EQ(std::filesystem::canonical(cwd), std::filesystem::canonical(dir));
    w.conn->send(Shutdown{});
    EXPECT_EQ(wait_exit(pid), 0);
  }
}

TEST(NetWorker, AWorkerRunsUpToItsCoresTasksAtOnce) {
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  auto env = worker_env(listener);
  env.push_back("COMPSS_WORKER_CORES=2");
  pid_t pid = spawn_program(env);
  ASSERT_GT(pid, 0);
  Worker w = accept_worker(listener);
  // meet(2) returns true only when both calls are inside it at once.
  for (std::uint64_t id : {1, 2}) {
    WireParam two{.has_value = true, .value = compss::to_bytes(2)};
    ASSERT_FALSE(w.conn->send(TaskRequest{id, "bool meet(int)", {two}}));
  }
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 2; ++i) {
    Message m = next(w);
    ASSERT_TRUE(std::holds_alternative<TaskDone>(m));
    bool met = false;
    compss::from_bytes(std::get<TaskDone>(m).outputs.at(0).value, met);
    EXPECT_TRUE(met);
    ids.push_back(std::get<TaskDone>(m).task_id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 2}));
  w.conn->send(Shutdown{});
  EXPECT_EQ(wait_exit(pid), 0);
}

TEST(NetWorker, ManyFetchesInFlightFromADataListenerEachGetTheirValue) {
  // A barrier asks a worker's data listener for many values over one connection, with a
  // window of requests in flight (PeerFetcher::fetch_many).
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  pid_t pid = spawn_program(worker_env(listener));
  ASSERT_GT(pid, 0);
  {
    Worker w = accept_worker(listener);
    WorkerLink link(1, w.conn, w.hello, "127.0.0.1", [](int, const std::string&) {});
    constexpr int n = 50;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> versions;
    for (int i = 1; i <= n; ++i) {  // datum i, version 2 = {i * i, 4, 9} stays on the worker
      WireParam v1 = held(static_cast<std::uint64_t>(i), 1, inout_dir);
      v1.has_value = true;
      v1.value = compss::to_bytes(std::vector<double>{static_cast<double>(i), 2, 3});
      TaskRequest r{0, square_sig, {v1}};
      ASSERT_EQ(link.call(r).status, CallResult::Status::done);
      // The last asks for a version the worker never held: not found, still answered.
      versions.push_back({static_cast<std::uint64_t>(i), i == n ? 7u : 2u});
    }
    PeerFetcher peers(io.context(), {.hello = Hello{.secret = "run-secret", .node_name = "test"}});
    std::map<std::size_t, std::vector<double>> got;
    std::size_t answered = 0;
    peers.fetch_many(w.source(), versions, [&](std::size_t i, const compss::detail::HeldValue* value) {
      EXPECT_EQ(i, answered++);  // in order
      if (value != nullptr) compss::detail::load_held(*value, got[i]);
    }, /*window=*/8);
    EXPECT_EQ(answered, static_cast<std::size_t>(n));
    EXPECT_EQ(got.size(), static_cast<std::size_t>(n - 1));
    for (int i = 1; i < n; ++i) {
      EXPECT_EQ(got[static_cast<std::size_t>(i - 1)],
                (std::vector<double>{static_cast<double>(i) * i, 4, 9})) << i;
    }
    EXPECT_EQ(peers.cached_connections(), 1u);  // one connection, kept for next time
    // A node that is gone: every version is reported missing, nothing hangs.
    std::size_t failed = 0;
    peers.fetch_many("127.0.0.1:1", versions, [&](std::size_t, const compss::detail::HeldValue* value) {
      failed += value == nullptr;
    });
    EXPECT_EQ(failed, versions.size());
    link.shutdown();
  }
  EXPECT_EQ(wait_exit(pid), 0);
}

TEST(NetWorker, DataStaysOnWorkersAndTravelsPeerToPeer) {
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  pid_t pid_a = spawn_program(worker_env(listener));
  ASSERT_GT(pid_a, 0);
  Worker a = accept_worker(listener);
  pid_t pid_b = spawn_program(worker_env(listener));
  ASSERT_GT(pid_b, 0);
  Worker b = accept_worker(listener);

  // On A: datum 10 version 1 is sent inline; version 2 stays on A.
  WireParam v1 = held(10, 1, inout_dir);
  v1.has_value = true;
  v1.value = compss::to_bytes(std::vector<double>{1, 2, 3});
  ASSERT_FALSE(a.conn->send(TaskRequest{1, square_sig, {v1}}));
  Message m = next(a);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(m));
  const WireParam& out = std::get<TaskDone>(m).outputs.at(0);
  EXPECT_EQ(out.data_id, 10u);
  EXPECT_EQ(out.version, 2u);
  EXPECT_FALSE(out.has_value);
  EXPECT_EQ(out.size, compss::to_bytes(std::vector<double>{1, 4, 9}).size());

  // On B: version 2 is fetched from A, version 3 stays on B.
  ASSERT_FALSE(b.conn->send(TaskRequest{2, square_sig, {held(10, 2, inout_dir, a.source())}}));
  m = next(b);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(m)) << std::get<TaskFailed>(m).message;
  EXPECT_EQ(std::get<TaskDone>(m).outputs.at(0).version, 3u);

  // The master fetches version 3 over B's master connection.
  ASSERT_FALSE(b.conn->send(DataFetchRequest{10, 3}));
  m = next(b);
  ASSERT_TRUE(std::holds_alternative<DataFetchReply>(m));
  ASSERT_TRUE(std::get<DataFetchReply>(m).found);
  std::vector<double> v;
  compss::from_bytes(std::get<DataFetchReply>(m).value, v);
  EXPECT_EQ(v, (std::vector<double>{1, 16, 81}));

  // A result with its own datum (the extra param after the declared ones) stays on B.
  WireParam who{.has_value = true, .value = compss::to_bytes(std::string("peer"))};
  ASSERT_FALSE(b.conn->send(TaskRequest{3, greet_sig, {who, held(20, 0, out_dir)}}));
  m = next(b);
  ASSERT_TRUE(std::holds_alternative<TaskDone>(m));
  const WireParam& result = std::get<TaskDone>(m).outputs.at(0);
  EXPECT_EQ(result.data_id, 20u);
  EXPECT_EQ(result.version, 1u);
  EXPECT_FALSE(result.has_value);
  ASSERT_FALSE(b.conn->send(DataFetchRequest{20, 1}));
  m = next(b);
  std::string greeting;
  compss::from_bytes(std::get<DataFetchReply>(m).value, greeting);
  EXPECT_EQ(greeting, "hello peer");

  // DataRelease drops versions; a later read of them is DataMissing.
  ASSERT_FALSE(b.conn->send(DataRelease{10, DataRelease::all_versions}));
  ASSERT_FALSE(b.conn->send(DataFetchRequest{10, 3}));
  m = next(b);
  EXPECT_FALSE(std::get<DataFetchReply>(m).found);
  ASSERT_FALSE(b.conn->send(TaskRequest{4, square_sig, {held(10, 3, inout_dir)}}));
  m = next(b);
  ASSERT_TRUE(std::holds_alternative<TaskFailed>(m));
  EXPECT_EQ(std::get<TaskFailed>(m).exception_type, "compss::DataMissing");
  EXPECT_NE(std::get<TaskFailed>(m).message.find("data 10 version 3"), std::string::npos);

  // A source that does not hold the version: DataMissing naming the source.
  ASSERT_FALSE(a.conn->send(TaskRequest{5, square_sig, {held(77, 1, inout_dir, b.source())}}));
  m = next(a);
  ASSERT_TRUE(std::holds_alternative<TaskFailed>(m));
  EXPECT_EQ(std::get<TaskFailed>(m).exception_type, "compss::DataMissing");
  EXPECT_NE(std::get<TaskFailed>(m).message.find(b.source()), std::string::npos)
      << std::get<TaskFailed>(m).message;

  a.conn->send(Shutdown{});
  b.conn->send(Shutdown{});
  EXPECT_EQ(wait_exit(pid_a), 0);
  EXPECT_EQ(wait_exit(pid_b), 0);
}

TEST(NetWorker, BadWorkerVariablesAreClearErrors) {
  TempDir tmp;
  std::ofstream(tmp.path / "file") << "x";
  struct Case {
    std::string assignment, expected;
  };
  std::string file_dir = (tmp.path / "file" / "sub").string();
  for (const Case& c : {Case{"COMPSS_WORKER_CORES=abc", "compss: invalid COMPSS_WORKER_CORES='abc': "},
                        Case{"COMPSS_WORKER_CORES=0", "compss: invalid COMPSS_WORKER_CORES='0': "},
                        Case{"COMPSS_WORKER_BIND=nowhere", "compss: invalid COMPSS_WORKER_BIND='nowhere': "},
                        Case{"COMPSS_WORKER_NAME=", "compss: invalid COMPSS_WORKER_NAME='': "},
                        Case{"COMPSS_SHARED_FS=maybe", "compss: invalid COMPSS_SHARED_FS='maybe': "},
                        Case{"COMPSS_WORKING_DIR=" + file_dir,
                             "compss: invalid COMPSS_WORKING_DIR='" + file_dir + "': cannot create it"}}) {
    std::filesystem::path err = tmp.path / "stderr.txt";
    // Port 1: the worker must fail on the variable before it tries to connect.
    pid_t pid = spawn_program({"COMPSS_WORKER=127.0.0.1:1", "COMPSS_SECRET=s", c.assignment}, err.string());
    ASSERT_GT(pid, 0);
    EXPECT_EQ(wait_exit(pid), 1) << c.assignment;
    EXPECT_NE(read_file(err).find(c.expected), std::string::npos) << read_file(err);
  }
}

TEST(NetWorker, WorkerWithWrongSecretIsRejectedAndExits) {
  TempDir dir;
  IoThread io;
  Listener listener(io.context(), {.secret = "right", .connection = {.log = nullptr}});
  pid_t pid = spawn_program({"COMPSS_WORKER=127.0.0.1:" + std::to_string(listener.port()),
                             "COMPSS_SECRET=wrong"}, (dir.path / "err").string());
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit(pid), 1);  // closed by the master: the worker ends with an error
  std::string err = read_file(dir.path / "err");
  EXPECT_NE(err.find("closed the connection before sending any work"), std::string::npos) << err;
  EXPECT_NE(err.find("a wrong COMPSS_SECRET"), std::string::npos) << err;
  EXPECT_EQ(listener.accept(10ms), nullptr);
  EXPECT_EQ(listener.rejected(), 1u);
}

/// Starts a worker with `cores` task slots whose first task never returns (net_worker_program's
/// `hang`), and waits (bounded) until that task runs. The worker's stderr goes to `err`.
struct StuckWorker {
  TempDir dir;
  std::filesystem::path err = dir.path / "worker.err";
  std::filesystem::path started = dir.path / "hang.started";
  IoThread io;
  Listener listener{io.context(), {.secret = "run-secret"}};
  pid_t pid = -1;
  Worker w;
  explicit StuckWorker(unsigned cores) {
    std::vector<std::string> env = worker_env(listener);
    env.push_back("COMPSS_WORKER_CORES=" + std::to_string(cores));
    env.push_back("COMPSS_WORKER_NAME=stuck-worker");
    pid = spawn_program(env, err.string());
    if (pid <= 0) throw compss::Error("cannot start the worker");
    w = accept_worker(listener);
    TaskRequest hang{1, "int hang(const std::string &)",
                     {value(compss::to_bytes(started.string()))}};
    throw_if_error(w.conn->send(hang), "send");
    for (int i = 0; i < 3000 && !std::filesystem::exists(started); ++i) std::this_thread::sleep_for(10ms);
    if (!std::filesystem::exists(started)) throw compss::Error("the stuck task did not start");
  }
};

// The master goes (its connection closes, no Shutdown) while the worker's only task slot
// runs a task that never returns: the worker must not wait for it (it would stay forever,
// an orphan) but say so and exit at once.
TEST(NetWorker, AWorkerWhoseMasterGoesAbandonsItsStuckTaskAndExits) {
  StuckWorker s(1);
  s.w.conn->close();
  EXPECT_EQ(wait_exit(s.pid, 10s), 1) << "the orphaned worker is still running";
  std::string err = read_file(s.err);
  EXPECT_NE(err.find("compss: worker stuck-worker: the connection to the master at 127.0.0.1:" +
                     std::to_string(s.listener.port()) + " ended without a shutdown"),
            std::string::npos) << err;
  EXPECT_NE(err.find("while 1 task(s) ran here: exiting without them"), std::string::npos) << err;
  EXPECT_EQ(err.find("COMPSS_SECRET"), std::string::npos) << err;  // the secret was right
}

// The master ends the run (Shutdown) while a task it gave up on (time_out) still runs: the
// worker exits without it (0: an orderly end), whether a slot was free to read the Shutdown
// at once (2 slots) or only once the master closes the connection (1 slot).
TEST(NetWorker, AShutdownWhileATimedOutTaskStillRunsEndsTheWorker) {
  for (unsigned cores : {2u, 1u}) {
    StuckWorker s(cores);
    throw_if_error(s.w.conn->send(Shutdown{}), "send");
    if (cores == 1) s.w.conn->close();  // (as WorkerLink::shutdown does after a while)
    EXPECT_EQ(wait_exit(s.pid, 10s), 0) << "cores " << cores;
    std::string err = read_file(s.err);
    EXPECT_NE(err.find("compss: worker stuck-worker: the run ended while 1 task(s) the master "
                       "had stopped waiting for (time_out) still ran here: exiting without them"),
              std::string::npos) << "cores " << cores << ": " << err;
  }
}

TEST(NetWorker, MissingSecretIsAClearError) {
  pid_t pid = spawn_program({"COMPSS_WORKER=127.0.0.1:1"});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit(pid), 1);
}

TEST(NetWorker, WithoutWorkerVariableTheProgramRunsLocally) {
  pid_t pid = spawn_program({});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(wait_exit(pid), 0);
}

// ---- the data memory budget (docs/distributed.md, "Data memory of a worker") ------------

TEST(NetWorker, TheDataBudgetIsTheSettingElseSixtyPercentOfTheMemory) {
  constexpr double gib = 1024.0 * 1024.0 * 1024.0;
  EXPECT_EQ(data_budget_bytes(0.5, 10.0), static_cast<std::uint64_t>(0.5 * gib));
  EXPECT_EQ(data_budget_bytes(std::nullopt, 10.0), static_cast<std::uint64_t>(6.0 * gib));
  EXPECT_EQ(data_budget_bytes(std::nullopt, 0.0), 0u);  // memory unknown: no budget
}

TEST(NetWorker, ATinyDataBudgetStaysABudget) {
  // 0 bytes would mean "no budget": a positive setting keeps at least one byte.
  EXPECT_EQ(data_budget_bytes(1e-12, 10.0), 1u);
  EXPECT_EQ(data_budget_bytes(std::nullopt, 1e-15), 1u);
}

TEST(NetWorker, ANonFiniteOrHugeDataMemoryIsRejectedNamingTheVariable) {
  for (const char* bad : {"inf", "infinity", "nan", "-inf", "1e300", "0", "-1"}) {
    std::map<std::string, std::string> vars{{"COMPSS_WORKER", "127.0.0.1:1"}, {"COMPSS_SECRET", "s"},
                                            {"COMPSS_WORKER_DATA_MEMORY", bad}};
    const compss::config::Env env = [&vars](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
    try {
      compss::config::read_worker_settings(env);
      ADD_FAILURE() << "COMPSS_WORKER_DATA_MEMORY='" << bad << "' was taken";
    } catch (const compss::Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("invalid COMPSS_WORKER_DATA_MEMORY='" + std::string(bad) + "'"),
                std::string::npos) << what;
      // The message says what this variable sizes, not "the node's memory".
      EXPECT_NE(what.find("the most data the worker keeps in GB, a finite positive number"),
                std::string::npos) << what;
      EXPECT_EQ(what.find("the node's memory"), std::string::npos) << what;
    }
  }
}

TEST(NetWorker, TheDataMemoryVariableIsReadAndABadOneIsAClearError) {
  std::map<std::string, std::string> vars{{"COMPSS_WORKER", "127.0.0.1:1"}, {"COMPSS_SECRET", "s"},
                                          {"COMPSS_WORKER_DATA_MEMORY", "0.25"}};
  const compss::config::Env env = [&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  std::optional<WorkerSettings> s = compss::config::read_worker_settings(env);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->data_memory_gb, 0.25);
  vars["COMPSS_WORKER_DATA_MEMORY"] = "lots";
  try {
    compss::config::read_worker_settings(env);
    FAIL() << "a bad COMPSS_WORKER_DATA_MEMORY was taken";
  } catch (const compss::Error& e) {
    EXPECT_NE(std::string(e.what()).find("invalid COMPSS_WORKER_DATA_MEMORY='lots'"), std::string::npos)
        << e.what();
  }
}

// The master asks a worker sharing its files whether it reaches the run's directory of
// kept links (a Heartbeat naming it, net/kept_files.hpp): the worker answers at once with
// the same path and whether it can traverse it; the question sets no time-out.
TEST(NetWorker, AWorkerSaysWhetherItReachesTheKeptLinksDirectory) {
  TempDir tmp;
  IoThread io;
  Listener listener(io.context(), {.secret = "run-secret"});
  pid_t pid = spawn_program(worker_env(listener));
  ASSERT_GT(pid, 0);
  {
    Worker w = accept_worker(listener);
    const std::string missing = (tmp.path / "missing").string();
    for (const auto& [dir, sees] : {std::pair{tmp.path.string(), true}, std::pair{missing, false}}) {
      ASSERT_FALSE(w.conn->send(Heartbeat{.kept_dir = dir}));
      Message m = next(w);
      ASSERT_TRUE(std::holds_alternative<Heartbeat>(m)) << dir;
      EXPECT_EQ(std::get<Heartbeat>(m).kept_dir, dir);
      EXPECT_EQ(std::get<Heartbeat>(m).sees_kept_dir, sees) << dir;
    }
    // (No time-out was set: no heartbeat of its own comes before this task's answer.)
    ASSERT_FALSE(w.conn->send(TaskRequest{1, "std::string current_dir()", {}}));
    EXPECT_TRUE(std::holds_alternative<TaskDone>(next(w)));
    w.conn->send(Shutdown{});
    EXPECT_EQ(wait_exit(pid), 0);
  }
}
