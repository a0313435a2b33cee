// observe/: the task graph's rules and DOT on synthetic events, the settings' errors, and
// the monitor's answers (token, state, the backend not asked once the run ended). Whole
// programs are in tests/e2e/observe.
#include "observe/graph_dot.hpp"
#include "observe/live_timeline.hpp"
#include "observe/monitor.hpp"
#include "observe/observer_group.hpp"
#include "observe/observers.hpp"
#include "observe/task_graph.hpp"
#include "observe/task_index.hpp"
#include "core/event_ring.hpp"

#include "no_new_threads.hpp"

#include <compss/error.hpp>

#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <optional>
#include <map>
#include <set>
#include <tuple>
#include <algorithm>
#include <string>
#include <vector>

using namespace compss;
using namespace compss::rt::observe;
using detail::Direction;
using rt::TraceRecord;  // (core/trace_buffer.hpp since the trace writes its records from core)
using rt::EventRing;

namespace {

void submit(TaskGraph& g, std::uint64_t id, const char* name, std::vector<rt::DataAccess> data,
            std::vector<std::string_view> groups = {}) {
  g.on_submitted({id, name, {}, data, 0, groups});
}

/// The edges of the DOT text, one "a -> b [label]" line each, in order.
std::vector<std::string> edges(const std::string& dot) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = dot.find(" -> ", at)) != std::string::npos) {
    std::size_t begin = dot.rfind('\n', at) + 1, end = dot.find('\n', at);
    std::string line = dot.substr(begin, end - begin);
    out.push_back(line.substr(line.find_first_not_of(' ')));
    at = end;
  }
  return out;
}

}  // namespace

TEST(TaskGraph, InoutReadsTheVersionBeforeAndOutReadsNothing) {
  TaskGraph g;
  submit(g, 1, "make", {{1, 1, Direction::out}});
  submit(g, 2, "bump", {{1, 2, Direction::inout}});
  submit(g, 3, "remake", {{1, 3, Direction::out}});  // no edge: out reads nothing
  submit(g, 4, "read", {{1, 3, Direction::in}, {1, 3, Direction::in}});  // twice: one edge
  EXPECT_EQ(edges(dot_text(g.snapshot())),
            (std::vector<std::string>{"1 -> 2 [label=\"d1v1\"];", "3 -> 4 [label=\"d1v3\"];"}));
}

TEST(TaskGraph, WaitingTwiceForOneVersionDrawsOneSyncNode) {
  TaskGraph g;
  submit(g, 1, "make", {{7, 1, Direction::out}});
  rt::DataAccess waited{7, 1};
  g.on_activity({rt::Activity::wait_on, true, 0, {&waited, 1}});
  g.on_activity({rt::Activity::wait_on, true, 0, {&waited, 1}});
  rt::DataAccess untouched{8, 0};  // no task made it: nothing to draw
  g.on_activity({rt::Activity::wait_on, true, 0, {&untouched, 1}});
  submit(g, 2, "read", {{7, 1, Direction::in}});
  GraphSnapshot s = g.snapshot();
  ASSERT_EQ(s.syncs.size(), 2u);
  EXPECT_EQ(edges(dot_text(s)), (std::vector<std::string>{"1 -> Synchro1 [label=\"d7v1\"];",
                                                          "Synchro1 -> 2 [label=\"d7v1\"];"}));
}

TEST(TaskGraph, NestedGroupsNestAndNamesAreQuoted) {
  TaskGraph g;
  submit(g, 1, "a<b>", {}, {"outer \"x\""});
  submit(g, 2, "t", {}, {"outer \"x\"", "inner"});
  const std::string dot = dot_text(g.snapshot());
  const std::size_t outer = dot.find("subgraph cluster_group1 {"), inner = dot.find("subgraph cluster_group2 {");
  ASSERT_NE(outer, std::string::npos);
  ASSERT_NE(inner, std::string::npos);
  EXPECT_LT(outer, inner);
  EXPECT_NE(dot.find("label=\"outer \\\"x\\\"\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("a&lt;b&gt;"), std::string::npos) << dot;  // in the legend's HTML label
}

TEST(TaskGraph, CountsFollowTheStatesAndTheNodes) {
  TaskGraph g;
  submit(g, 1, "t", {});
  submit(g, 2, "t", {});
  g.on_ready({1, 0});
  g.on_started({1, 1, {2, "w2", 0}, 0});
  g.on_ended({1, rt::TaskOutcome::failed, 1, true, 0});  // retried
  g.on_started({1, 2, {2, "w2", 0}, 0});
  GraphCounts c = g.counts();
  EXPECT_EQ(c.total, 2u);
  EXPECT_EQ(c.by_state[static_cast<int>(TaskState::running)], 1u);
  EXPECT_EQ(c.by_state[static_cast<int>(TaskState::pending)], 1u);
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.nodes[2].name, "w2");
  EXPECT_EQ(c.nodes[2].running, 1u);
  EXPECT_EQ(c.nodes[2].ended, 1u);
  g.on_ended({1, rt::TaskOutcome::success, 2, false, 0});
  c = g.counts();
  EXPECT_EQ(c.by_state[static_cast<int>(TaskState::done)], 1u);
  EXPECT_EQ(c.nodes[2].running, 0u);
}

namespace {
/// The settings `vars` (and nothing else) ask for.
ObserveSettings from(std::map<std::string, std::string> vars) {
  return observe_settings_from_env([vars](const char* n) -> const char* {
    auto it = vars.find(n);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}
}  // namespace

TEST(ObserveSettings, BadValuesNameTheVariable) {
  EXPECT_TRUE(from({{"COMPSS_GRAPH", "1"}}).graph);
  EXPECT_EQ(from({{"COMPSS_MONITOR", "0"}}).monitor, 0);
  EXPECT_FALSE(from({}).any());
  try {
    from({{"COMPSS_GRAPH", "yes"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "compss: invalid COMPSS_GRAPH='yes': expected 1 or 0");
  }
  EXPECT_THROW(from({{"COMPSS_MONITOR", "65536"}}), Error);
  EXPECT_THROW(from({{"COMPSS_SUMMARY", "2"}}), Error);
}

// One reader for every observer: COMPSS_TRACE too (its folder made and checked there).
TEST(ObserveSettings, TheTraceIsReadWithTheOthers) {
  EXPECT_FALSE(from({{"COMPSS_TRACE", "0"}}).trace);
  const auto folder = std::filesystem::temp_directory_path() / ("observe_trace_" + std::to_string(::getpid()));
  const ObserveSettings s = from({{"COMPSS_TRACE", folder.string()}, {"COMPSS_TRACE_MAX_EVENTS", "50"}});
  ASSERT_TRUE(s.trace);
  EXPECT_TRUE(s.any());
  EXPECT_EQ(s.trace->folder, folder.string());
  EXPECT_EQ(s.trace->max_events, 50u);
  EXPECT_TRUE(std::filesystem::is_directory(folder));
  EXPECT_NE(make_observers(s).trace, nullptr);
  std::filesystem::remove_all(folder);
  try {
    from({{"COMPSS_TRACE", "/proc/no/such/folder"}});
    FAIL() << "a folder that cannot be made";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("COMPSS_TRACE: cannot make the trace folder"), std::string::npos) << e.what();
  }
  EXPECT_THROW(from({{"COMPSS_TRACE", folder.string()}, {"COMPSS_TRACE_MAX_EVENTS", "x"}}), Error);
  std::filesystem::remove_all(folder);
}

TEST(Monitor, AsksForTheTokenAndStopsAskingTheBackendWhenTheRunEnds) {
  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  Monitor monitor(0, {graph, summary, {}, 100}, std::chrono::milliseconds(5));
  std::atomic<bool> ended{false};
  std::atomic<int> asked_after_end{0};
  monitor.set_nodes([&] {
    if (ended) ++asked_after_end;  // the backend may be gone by now
    return std::vector<MonitorNode>{{0, "master", 2, true, 1}};
  });
  submit(*graph, 1, "t", {});
  const std::string token = monitor.url().substr(monitor.url().find("token=") + 6);
  EXPECT_EQ(monitor.handle("/").status, 403u);
  EXPECT_EQ(monitor.handle("/api/state?token=" + token + "0").status, 403u);
  EXPECT_EQ(monitor.handle("/?token=" + token).status, 200u);
  HttpReply state = monitor.handle("/api/state?token=" + token);
  EXPECT_EQ(state.status, 200u);
  EXPECT_NE(state.body.find("\"total\":1"), std::string::npos) << state.body;
  // Placed by the backend: counted running there.
  EXPECT_NE(state.body.find("\"name\":\"master\",\"slots\":2,\"alive\":true,\"running\":1"), std::string::npos)
      << state.body;
  monitor.on_run_ended({0});
  ended = true;
  state = monitor.handle("/api/state?token=" + token);
  EXPECT_NE(state.body.find("\"ended\":true"), std::string::npos);
  EXPECT_NE(state.body.find("\"slots\":2"), std::string::npos) << "the last answer is kept";
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the sampler's turns too
  EXPECT_EQ(asked_after_end, 0);
}

// A local run's summary keeps no version makers (only a transfer reads them), and reports
// the same.
TEST(RunSummary, WithoutTransfersKeepsNoVersionMakersAndReportsTheSame) {
  RunSummary kept, local;
  local.without_transfers();
  for (RunSummary* s : {&kept, &local}) {
    const std::vector<rt::DataAccess> data{{7, 1, Direction::out, 0}, {8, 2, Direction::inout, 0}, {9, 1, Direction::in, 0}};
    s->on_submitted({1, "t", {}, data, 10});
    s->on_started({1, 1, {0, "localhost", 0}, 12});
    s->on_ended({1, rt::TaskOutcome::success, 1, false, 15});
  }
  EXPECT_EQ(kept.versions_kept(), 2u);
  EXPECT_EQ(local.versions_kept(), 0u);
  EXPECT_EQ(summary_json(local.report()), summary_json(kept.report()));
}

// Each node's resources from the backend's node model: cores used of total, memory
// reserved of declared, GPUs used of total; a node whose backend does not count its cores
// (a local run) shows the threads its running tasks hold.
TEST(Monitor, TheStateCarriesEachNodesResourcesAndLoad) {
  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  Monitor monitor(0, {graph, summary, {}, 100}, std::chrono::milliseconds(5));
  std::atomic<std::uint64_t> reserved{2048};
  monitor.set_nodes([&] {
    MonitorNode worker{1, "w-1", 4, true, 2};
    worker.resources = {8, 3, 2, 1, 16384, reserved.load()};
    MonitorNode local{0, "localhost", 2, true, -1};  // (running and cores: from the events)
    local.resources = {2, -1, 0, 0, 4096, 0};
    return std::vector<MonitorNode>{local, worker};
  });
  submit(*graph, 1, "t", {});
  graph->on_started({1, 1, {0, "localhost", 0}, 0});
  const std::string token = monitor.url().substr(monitor.url().find("token=") + 6);
  const std::string body = monitor.handle("/api/state?token=" + token).body;
  EXPECT_NE(body.find("\"name\":\"w-1\",\"slots\":4,\"alive\":true,\"running\":2,\"ended\":0,\"cores\":8,"
                      "\"cores_used\":3,\"memory_mb\":16384,\"memory_used_mb\":2048,\"gpus\":2,\"gpus_used\":1}"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("\"name\":\"localhost\",\"slots\":2,\"alive\":true,\"running\":1,\"ended\":0,\"cores\":2,"
                      "\"cores_used\":1,\"memory_mb\":4096,\"memory_used_mb\":0,\"gpus\":0,\"gpus_used\":0}"),
            std::string::npos)
      << body;
  // The page shows them in the node table.
  const std::string page = monitor.handle("/?token=" + token).body;
  EXPECT_NE(page.find("memory reserved / declared"), std::string::npos);
  EXPECT_NE(page.find("n.memory_used_mb"), std::string::npos);
}

// Failure reports: each failed or timed-out attempt with its error and where it ran (the
// newest max_failures, with the total), and each worker lost with why.
TEST(Monitor, ShowsFailedAttemptsWithTheirErrorAndLostWorkers) {
  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  Monitor monitor(0, {graph, summary, {}, 100}, std::chrono::milliseconds(5));
  const std::string token = monitor.url().substr(monitor.url().find("token=") + 6);
  rt::TaskEnded ok{1, rt::TaskOutcome::success, 1, false, rt::event_now()};
  ok.name = "fine";
  monitor.on_ended(ok);
  rt::TaskEnded bad{2, rt::TaskOutcome::failed, 1, true, rt::event_now()};
  bad.name = "explode";
  bad.error_type = "std::runtime_error";
  bad.error_message = "bad input \"42\"";
  bad.error_where = "localhost-1";
  monitor.on_ended(bad);
  monitor.on_node_lost({2, "localhost-2", "connection closed", rt::event_now()});
  std::string body = monitor.handle("/api/state?token=" + token).body;
  EXPECT_NE(body.find("\"failures_total\":1"), std::string::npos) << body;
  EXPECT_NE(body.find("\"what\":\"explode\",\"outcome\":\"failed (retried)\","
                      "\"error\":\"std::runtime_error: bad input \\\"42\\\"\",\"where\":\"localhost-1\""),
            std::string::npos) << body;
  EXPECT_EQ(body.find("\"what\":\"fine\""), std::string::npos) << "a success is no failure";
  EXPECT_NE(body.find("\"lost\":[{\"time_s\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"what\":\"localhost-2\",\"outcome\":\"lost\",\"error\":\"connection closed\""),
            std::string::npos) << body;
  for (std::uint64_t id = 10; id < 10 + Monitor::max_failures + 5; ++id) {
    rt::TaskEnded f{id, rt::TaskOutcome::timed_out, 1, false, rt::event_now()};
    monitor.on_ended(f);
  }
  body = monitor.handle("/api/state?token=" + token).body;
  EXPECT_NE(body.find("\"failures_total\":" + std::to_string(Monitor::max_failures + 6)), std::string::npos);
  EXPECT_EQ(body.find("\"what\":\"explode\""), std::string::npos) << "only the newest are kept";
  EXPECT_NE(body.find("\"task\":" + std::to_string(9 + Monitor::max_failures + 5)), std::string::npos);
}

namespace {

/// A plain client of the monitor: sends `request` and reads what comes (tests only).
class RawClient {
 public:
  RawClient(std::uint16_t port, const std::string& target) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    EXPECT_EQ(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  /// Reads until `count` occurrences of `what` came, the server closed, or 20 s passed
  /// (a failure, not a hang); true when they came.
  bool read_until(const std::string& what, std::size_t count = 1) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (occurrences(what) < count && !closed) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) closed = true;
      else text.append(buf, static_cast<std::size_t>(n));
    }
    return occurrences(what) >= count;
  }
  std::size_t occurrences(const std::string& what) const {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
  }

  std::string text;
  bool closed = false;

 private:
  int fd_;
};

}  // namespace

// /api/events: an event stream sending /api/state's JSON when the state changed, that
// holds up no other request, ends when the run ended, asks for the token, and is refused
// (503) beyond MonitorServer::max_streams at once.
TEST(Monitor, StreamsTheStateAsServerSentEvents) {
  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  Monitor monitor(0, {graph, summary, {}, 100}, std::chrono::milliseconds(5));
  const std::string token = monitor.url().substr(monitor.url().find("token=") + 6);
  {
    RawClient refused(monitor.port(), "/api/events");
    EXPECT_TRUE(refused.read_until("HTTP/1.1 403")) << refused.text;
    RawClient wrong(monitor.port(), "/api/events?token=" + token + "0");
    EXPECT_TRUE(wrong.read_until("HTTP/1.1 403")) << wrong.text;
  }
  submit(*graph, 1, "first", {});
  RawClient events(monitor.port(), "/api/events?token=" + token);
  ASSERT_TRUE(events.read_until("\"total\":1,")) << events.text;
  EXPECT_EQ(events.text.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << events.text;
  EXPECT_NE(events.text.find("Content-Type: text/event-stream\r\n"), std::string::npos) << events.text;
  EXPECT_NE(events.text.find("\r\n\r\ndata: {\"ended\":false,"), std::string::npos) << events.text;
  {
    // The other routes still answer while the stream is open.
    RawClient state(monitor.port(), "/api/state?token=" + token);
    EXPECT_TRUE(state.read_until("\"graph_changes\"")) << state.text;
  }
  submit(*graph, 2, "second", {});  // a change: a second event
  ASSERT_TRUE(events.read_until("\"total\":2,")) << events.text;
  EXPECT_EQ(events.occurrences("\ndata: {"), 2u) << "one event per change" << events.text;
  {
    std::vector<std::unique_ptr<RawClient>> more;
    for (std::size_t i = 1; i < MonitorServer::max_streams; ++i) {
      more.push_back(std::make_unique<RawClient>(monitor.port(), "/api/events?token=" + token));
      ASSERT_TRUE(more.back()->read_until("data: {")) << more.back()->text;
    }
    RawClient too_many(monitor.port(), "/api/events?token=" + token);
    EXPECT_TRUE(too_many.read_until("HTTP/1.1 503")) << too_many.text;
  }
  monitor.on_run_ended({0});
  ASSERT_TRUE(events.read_until("\"ended\":true")) << events.text;
  events.read_until("(nothing: read until the server closes)");
  EXPECT_TRUE(events.closed) << "the stream ends with the run";
  EXPECT_EQ(events.occurrences("\ndata: {"), 3u) << events.text;
}

TEST(Monitor, APortInUseIsAClearError) {
  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  Monitor first(0, {graph, summary, {}, 100});
  try {
    Monitor second(first.port(), {graph, summary, {}, 100});
    FAIL() << "two monitors on one port";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("the monitor cannot listen on 127.0.0.1:" + std::to_string(first.port())), std::string::npos);
    EXPECT_NE(what.find("choose another with --monitor=PORT"), std::string::npos) << what;
  }
}

// A task told with its spec is typed by the spec its start or placement carries: its
// submission costs the timeline nothing (no lock, no entry per task).
TEST(LiveTimeline, TypesFromTheSpecOfAStartOrPlacement) {
  static constexpr compss::detail::TaskSpec step{"step", "void step()", nullptr, 0};
  static constexpr compss::detail::TaskSpec merge{"merge", "void merge()", nullptr, 0};
  const rt::EventTime t0 = 1'000'000'000;
  LiveTimeline timeline(t0);
  rt::TaskStarted started{1, 1, {0, "master", 0}, t0 + 100};
  started.spec = &step;
  timeline.on_started(started);
  rt::TaskPlaced placed{2, 1, 1, t0 + 200};
  placed.spec = &merge;
  timeline.on_placed(placed);
  started = {3, 1, {0, "master", 1}, t0 + 300};
  started.spec = &step;
  timeline.on_started(started);
  const std::string json = timeline.json(t0 + 400);
  EXPECT_NE(json.find("\"types\":[\"step\",\"merge\"]"), std::string::npos) << json;
  EXPECT_NE(json.find(",0,1,1,1]"), std::string::npos) << json;  // task 1: type 0 (step), running
  EXPECT_NE(json.find(",1,2,0,0]"), std::string::npos) << json;  // task 2: type 1 (merge), sent
  EXPECT_NE(json.find(",0,3,1,1]"), std::string::npos) << json;  // task 3: step again
}

// The monitor's timeline: a local attempt opens at its start on the lowest free lane; a
// remote one opens when placed ("sent", state 0) and runs (1) from the start its answer
// gives; ends close them with their outcome (2 done, 3 failed) and free the lane; only the
// newest max_ended ended attempts are kept.
TEST(LiveTimeline, LanesPlacementsAndOutcomes) {
  const rt::EventTime t0 = 1'000'000'000;
  LiveTimeline timeline(t0);
  timeline.on_submitted({1, "step", {}, {}, t0});
  timeline.on_submitted({2, "step", {}, {}, t0});
  timeline.on_submitted({3, "explode", {}, {}, t0});
  timeline.on_started({1, 1, {0, "master", 0}, t0 + 100'000'000});
  timeline.on_started({2, 1, {0, "master", 1}, t0 + 200'000'000});
  timeline.on_placed({3, 1, 1, t0 + 300'000'000});
  std::string json = timeline.json(t0 + 400'000'000);
  EXPECT_NE(json.find("\"types\":[\"step\",\"explode\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("[0,0,0.1000,-1,0,1,1,1]"), std::string::npos) << json;
  EXPECT_NE(json.find("[0,1,0.2000,-1,0,2,1,1]"), std::string::npos) << "the second lane: " << json;
  EXPECT_NE(json.find("[1,0,0.3000,-1,1,3,0,0]"), std::string::npos) << "sent to node 1: " << json;

  timeline.on_ended({1, rt::TaskOutcome::success, 1, false, t0 + 500'000'000});
  timeline.on_started({3, 1, {1, "localhost-1", 0}, t0 + 350'000'000});
  timeline.on_ended({3, rt::TaskOutcome::failed, 1, false, t0 + 600'000'000});
  timeline.on_submitted({4, "step", {}, {}, t0});
  timeline.on_started({4, 1, {0, "master", 0}, t0 + 700'000'000});
  json = timeline.json(t0 + 800'000'000);
  EXPECT_NE(json.find("[0,0,0.1000,0.5000,0,1,1,2]"), std::string::npos) << json;
  EXPECT_NE(json.find("[1,0,0.3500,0.6000,1,3,1,3]"), std::string::npos) << "ran from its start: " << json;
  EXPECT_NE(json.find("[0,0,0.7000,-1,0,4,1,1]"), std::string::npos) << "lane 0 free again: " << json;

  for (std::uint64_t id = 10; id < 10 + LiveTimeline::max_ended + 5; ++id) {
    timeline.on_started({id, 1, {0, "master", 0}, t0 + 900'000'000});
    timeline.on_ended({id, rt::TaskOutcome::success, 1, false, t0 + 900'000'000});
  }
  json = timeline.json(t0 + 1'000'000'000);
  EXPECT_EQ(json.find("0.5000,0,1,1,2]"), std::string::npos) << "the oldest ended attempt was dropped";
  EXPECT_NE(json.find("[0,1,0.2000,-1,0,2,1,1]"), std::string::npos) << "open attempts stay: " << json;
}

// The monitor's graph drawings give way to the run: dot runs niced, and is not run again
// sooner than graph_pause_factor times its last drawing took. A stand-in dot on PATH
// records its niceness and takes 0.3 s: while the graph changes for 2.5 s it is drawn once
// (a fixed one-second pause would draw it 2 or 3 times).
namespace {
/// A stand-in for Graphviz's dot first on PATH (while it lives): it appends its niceness to
/// `log`, sleeps `seconds`, then writes an empty SVG where -o says; with "never", it
/// becomes `sleep 60` (exec: killing it leaves no process behind).
struct FakeDot {
  std::filesystem::path dir, log;
  std::string old_path;
  explicit FakeDot(const char* seconds) {
    namespace fs = std::filesystem;
    dir = fs::temp_directory_path() / ("compss-fake-dot-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(dir, ec);  // (a log left by a killed run of the same pid would be read first)
    fs::create_directories(dir);
    log = dir / "niceness";
    {
      std::ofstream script(dir / "dot");
      script << "#!/bin/sh\nnice >> '" << log.string() << "'\n";
      if (std::string(seconds) == "never") script << "exec sleep 60\n";
      else script << "sleep " << seconds << "\necho '<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>' > \"$3\"\n";
    }
    fs::permissions(dir / "dot", fs::perms::owner_all);
    old_path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    ::setenv("PATH", (dir.string() + ":" + old_path).c_str(), 1);
  }
  ~FakeDot() {
    ::setenv("PATH", old_path.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};
}  // namespace

TEST(Monitor, DrawsTheGraphNicedAndPausesInProportionToTheDrawing) {
  FakeDot fake("0.3");
  const auto& log = fake.log;

  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  {
    Monitor monitor(0, {graph, summary, {}, 100});
    const std::string token = monitor.url().substr(monitor.url().find("token=") + 6);
    submit(*graph, 1, "t", {});
    const auto first_began = std::chrono::steady_clock::now();
    EXPECT_NE(monitor.handle("/api/graph.svg?token=" + token).body.find("<svg"), std::string::npos);
    // The drawing took at least 0.3 s, so the next one waits at least 20 times that after
    // it: a request answered less than 6 s after the first began never draws again. (Not
    // a wall-clock bound on the loop: on a loaded machine a request may come later.)
    const auto least_pause = std::chrono::milliseconds(300) * Monitor::graph_pause_factor;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
    for (std::uint64_t id = 2; std::chrono::steady_clock::now() < until; ++id) {
      submit(*graph, id, "t", {});  // the graph changed: it would be drawn again
      monitor.handle("/api/graph.svg?token=" + token);
      if (monitor.graph_drawings() > 1) {
        EXPECT_GE(std::chrono::steady_clock::now() - first_began, least_pause) << "drawn again before the pause";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GE(monitor.graph_drawings(), 1u);
  }
  std::ifstream in(log);
  int niceness = -100;
  in >> niceness;
  errno = 0;
  const int own = ::getpriority(PRIO_PROCESS, 0);
  EXPECT_EQ(niceness, std::min(19, own + Monitor::graph_niceness));
}

// The run's end does not wait for a drawing under way: on_run_ended stops dot (a stand-in
// that would take 60 s), the request gets the last drawing, and the monitor goes at once.
TEST(Monitor, TheRunsEndStopsADrawingUnderWay) {
  FakeDot fake("never");
  auto graph = std::make_shared<TaskGraph>();
  auto summary = std::make_shared<RunSummary>();
  const auto began = std::chrono::steady_clock::now();
  {
    Monitor monitor(0, {graph, summary, {}, 100});
    const std::string token = monitor.url().substr(monitor.url().find("token=") + 6);
    submit(*graph, 1, "t", {});
    std::string answer;
    std::thread asking([&] { answer = monitor.handle("/api/graph.svg?token=" + token).body; });
    while (!std::filesystem::exists(fake.log) && std::chrono::steady_clock::now() - began < std::chrono::seconds(30))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // (until dot runs)
    monitor.on_run_ended({0});
    asking.join();
    EXPECT_NE(answer.find("the run ended before the graph was drawn"), std::string::npos) << answer;
    EXPECT_EQ(monitor.graph_drawings(), 0u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(30)) << "the end waited for dot";
}

// The observers' id -> value index keeps only the tasks in flight (a run of 10^8 tasks must
// not keep a slot per task ever seen) and finds an id wherever it was first stored.
TEST(ObserveTaskIndex, MemoryIsBoundedByTheTasksInFlight) {
  TaskIndex<std::uint32_t> index;
  for (std::uint64_t id = 1; id <= 1000000; ++id) {
    index.set(id, static_cast<std::uint32_t>(id));
    if (id > 8) {  // eight in flight, ending in order
      ASSERT_NE(index.find(id - 8), nullptr);
      EXPECT_EQ(*index.find(id - 8), id - 8);
      index.erase(id - 8);
    }
  }
  EXPECT_LE(index.capacity(), 64u);
  EXPECT_EQ(index.find(1000000 - 8), nullptr);
  EXPECT_EQ(*index.find(1000000), 1000000u);
}

TEST(ObserveTaskIndex, AFarIdStaysVisibleOnceTheIndexGrowsPastIt) {
  TaskIndex<std::uint32_t> index;
  index.set(3000, 7);
  for (std::uint64_t id = 1; id <= 2048; ++id) index.set(id, 0);
  ASSERT_NE(index.find(3000), nullptr);
  EXPECT_EQ(*index.find(3000), 7u);

  TaskIndex<std::uint32_t> grown;  // the window starts low and grows over the far id
  grown.set(1, 1);
  grown.set(3000, 7);
  for (std::uint64_t id = 2; id <= 3001; ++id) {
    if (id != 3000) grown.set(id, 0);
  }
  ASSERT_NE(grown.find(3000), nullptr);
  EXPECT_EQ(*grown.find(3000), 7u);
  grown.erase(3000);
  EXPECT_EQ(grown.find(3000), nullptr);
  for (std::uint64_t id = 1; id <= 3001; ++id) grown.erase(id);
  EXPECT_LE(grown.capacity(), 4096u);  // the ring only: no far entry left behind
  grown.set(5, 5);  // an id before the (empty) window re-anchors it
  EXPECT_EQ(*grown.find(5), 5u);
}

namespace {
/// The events of task `id` (type "t<id % 3>", writing its own datum, reading the datum
/// of the task `lanes` before it) told to `o`; every fifth task fails once and is retried.
/// Task types by spec (named by it, as the runtime tells them): a group takes their events
/// through its ring; told by name alone, directly.
constexpr detail::TaskSpec spec_types[] = {{"t0", "void t0()", nullptr, 0}, {"t1", "void t1()", nullptr, 0},
                                           {"t2", "void t2()", nullptr, 0}};

void one_task(rt::TaskObserver& o, std::uint64_t id, std::uint64_t lanes, bool by_spec = false, bool failures = true) {
  static const char* names[] = {"t0", "t1", "t2"};
  const detail::TaskSpec* spec = by_spec ? &spec_types[id % 3] : nullptr;
  const rt::EventTime t = static_cast<rt::EventTime>(id) * 1000;
  std::vector<rt::DataAccess> data{{id, 1, Direction::out, 0}};
  if (id > lanes) data.push_back({id - lanes, 1, Direction::in, 0});
  o.on_activity({rt::Activity::submission, true, t});
  o.on_submitted({id, spec != nullptr ? spec->name : names[id % 3], {}, data, t, {}, spec});
  o.on_activity({rt::Activity::submission, false, t});
  o.on_ready({id, t + 1});
  unsigned attempt = 1;
  if (failures && id % 5 == 0) {
    o.on_started({id, attempt, {0, "master", 0}, t + 2, spec});
    o.on_ended({id, rt::TaskOutcome::failed, attempt, true, t + 4, names[id % 3], "E", "boom"});
    ++attempt;
  }
  o.on_started({id, attempt, {0, "master", 0}, t + 10, spec});
  o.on_ended({id, rt::TaskOutcome::success, attempt, false, t + 10 + static_cast<rt::EventTime>(id % 7)});
}
}  // namespace

namespace {
/// The timeline JSON's attempts as "task,attempt,type,state" (sorted; -1 for the state
/// of one still open), without their lanes and times.
std::vector<std::string> attempts_of(const std::string& json) {
  std::vector<std::string> out;
  std::size_t at = json.find("\"spans\":[");
  if (at == std::string::npos) return out;
  at += 9;
  while ((at = json.find('[', at)) != std::string::npos) {
    const std::size_t end = json.find(']', at);
    std::vector<std::string> f;
    std::size_t from = at + 1;
    for (std::size_t comma; (comma = json.find(',', from)) < end; from = comma + 1) f.push_back(json.substr(from, comma - from));
    f.push_back(json.substr(from, end - from));
    if (f.size() == 8) out.push_back(f[5] + "," + f[6] + "," + f[4] + "," + (f[3] == "-1" ? "-1" : f[7]));
    at = end;
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

// The graph, the summary and the monitor's timeline as one observer under one lock
// (observe/observer_group.hpp): events told from several threads at once leave the same
// counts, summary, timeline and edges as the same events told to each observer alone.
namespace {
void group_equals_separate_observers(bool by_spec, std::uint32_t ring_records, bool failures = true,
                                     bool no_drainer = false) {
  constexpr std::uint64_t threads = 4, per_thread = 2500, tasks = threads * per_thread;
  auto mutex = std::make_shared<std::mutex>();
  auto graph = std::make_shared<TaskGraph>(mutex);
  auto summary = std::make_shared<RunSummary>(mutex);
  auto monitor = std::make_shared<Monitor>(0, MonitorSources{graph, summary, {}, 100, mutex});
  std::optional<NoNewThreads> refuse;  // (the group's drain thread refused: its producers drain)
  if (no_drainer) refuse.emplace();
  ObserverGroup group(mutex, graph, summary, monitor, {}, ring_records);
  refuse.reset();
  std::vector<std::thread> pool;
  // Thread k tells tasks k+1, k+1+threads, ...: a task reads the datum of the one before
  // it on the same thread, so each thread's order alone fixes the edges.
  std::latch start(threads);  // (all at once: the events overlap)
  for (std::uint64_t k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      start.arrive_and_wait();
      for (std::uint64_t id = k + 1; id <= tasks; id += threads) one_task(group, id, threads, by_spec, failures);
    });
  for (auto& t : pool) t.join();
  group.flush();  // (what the ring still holds)

  auto alone_graph = std::make_shared<TaskGraph>();
  RunSummary alone_summary;
  Monitor alone_monitor(0, {alone_graph, std::make_shared<RunSummary>(), {}, 100});
  struct Fanout : rt::TaskObserver {
    std::vector<rt::TaskObserver*> to;
    void on_submitted(const rt::TaskSubmitted& e) override { for (auto* o : to) o->on_submitted(e); }
    void on_ready(const rt::TaskReady& e) override { for (auto* o : to) o->on_ready(e); }
    void on_started(const rt::TaskStarted& e) override { for (auto* o : to) o->on_started(e); }
    void on_ended(const rt::TaskEnded& e) override { for (auto* o : to) o->on_ended(e); }
    void on_activity(const rt::RuntimeActivity& e) override { for (auto* o : to) o->on_activity(e); }
  } alone;
  alone.to = {alone_graph.get(), &alone_summary, &alone_monitor};
  for (std::uint64_t id = 1; id <= tasks; ++id) one_task(alone, id, threads, by_spec, failures);

  const GraphCounts c = graph->counts(), a = alone_graph->counts();
  EXPECT_EQ(c.total, tasks);
  for (int s = 0; s < 6; ++s) EXPECT_EQ(c.by_state[s], a.by_state[s]) << s;
  EXPECT_EQ(c.by_state[static_cast<int>(TaskState::done)], tasks);
  ASSERT_EQ(c.nodes.size(), a.nodes.size());
  EXPECT_EQ(c.nodes[0].ended, a.nodes[0].ended);
  EXPECT_EQ(c.changes, a.changes);
  // The same edges (the order of tasks differs between threads; the set does not).
  auto edge_set = [](const GraphSnapshot& g) {
    std::multiset<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> out;
    for (const GraphEdge& e : g.edges) out.insert({e.from.id, e.to.id, e.data});
    return out;
  };
  const GraphSnapshot gs = graph->snapshot();
  EXPECT_EQ(gs.edges.size(), tasks - threads);
  EXPECT_EQ(edge_set(gs), edge_set(alone_graph->snapshot()));

  const SummaryReport r = summary->report(), ra = alone_summary.report();
  ASSERT_EQ(r.types.size(), 3u);
  std::uint64_t counted = 0, retried = 0;
  for (const TypeSummary& t : r.types) {
    const auto same = std::find_if(ra.types.begin(), ra.types.end(), [&](auto& x) { return x.name == t.name; });
    ASSERT_NE(same, ra.types.end()) << t.name;
    EXPECT_EQ(t.count, same->count) << t.name;
    EXPECT_EQ(t.succeeded, same->succeeded) << t.name;
    EXPECT_EQ(t.retries, same->retries) << t.name;
    EXPECT_EQ(t.attempts, same->attempts) << t.name;
    EXPECT_EQ(t.total_ns, same->total_ns) << t.name;
    EXPECT_EQ(t.min_ns, same->min_ns) << t.name;
    EXPECT_EQ(t.max_ns, same->max_ns) << t.name;
    counted += t.count, retried += t.retries;
  }
  EXPECT_EQ(counted, tasks);
  EXPECT_EQ(retried, failures ? tasks / 5 : 0);
  // (from the first submission told: any thread's first task)
  EXPECT_LE(r.elapsed_ns, ra.elapsed_ns);
  EXPECT_GE(r.elapsed_ns, ra.elapsed_ns - static_cast<std::int64_t>(threads) * 1000);

  // The timeline: every attempt ended (none open), the newest max_ended kept; the failures
  // all counted.
  const rt::EventTime now = static_cast<rt::EventTime>(tasks + 1) * 1000;
  for (Monitor* m : {monitor.get(), &alone_monitor}) {
    const std::vector<std::string> attempts = attempts_of(m->timeline().json(now));
    EXPECT_EQ(attempts.size(), LiveTimeline::max_ended);
    EXPECT_EQ(std::count_if(attempts.begin(), attempts.end(), [](auto& a) { return a.ends_with(",-1"); }), 0);
  }
  const std::string token = monitor->url().substr(monitor->url().find("token=") + 6);
  EXPECT_NE(monitor->handle("/api/state?token=" + token).body.find("\"failures_total\":" + std::to_string(failures ? tasks / 5 : 0)),
            std::string::npos);
  monitor->on_run_ended({0});
  alone_monitor.on_run_ended({0});
}
}  // namespace

TEST(ObserverGroup, EventsFromThreadsUnderOneLockEqualTheSeparateObservers) {
  group_equals_separate_observers(false, ObserverGroup::default_ring_records);
}

// Tasks named by their spec go through the group's ring (observe/event_ring.hpp): 4
// threads append at once into a ring of 64 records, which wraps around ~1,000 times and
// is often full (the producers then drain it themselves; without failures, which drain it
// before going direct, only they and the group's thread do); every event is told once,
// each task's in order (a started before its submission, or an ended before its start,
// would leave other counts, edges or open bars).
TEST(ObserverGroup, EventsThroughASmallRingEqualTheSeparateObservers) {
  group_equals_separate_observers(true, 64, false);
  group_equals_separate_observers(true, 64);
  group_equals_separate_observers(true, ObserverGroup::default_ring_records);
}

// A run in which the system refused the group's drain thread goes on: 4 threads append
// into a ring of 64 records that only they (bounded, an eighth at a time), the failures'
// direct events and the flush drain, and every event is told once, in order. Before, the
// group's constructor threw the std::system_error (the run stopped at its start).
TEST(ObserverGroup, WithoutItsDrainThreadTheRunGoesOn) {
  testing::internal::CaptureStderr();
  group_equals_separate_observers(true, 64, false, /*no_drainer=*/true);
  group_equals_separate_observers(true, 64, true, /*no_drainer=*/true);
  const std::string said = testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("draining thread could not be started"), std::string::npos) << said;
}

// A task's thread that finds the ring full drains a bounded part of it (an eighth), never
// the whole ring: here 8 of 64 submissions (no drain thread: nothing else takes them).
// Before, it drained all 64 on the task's thread.
TEST(ObserverGroup, AProducerThatMakesRoomTakesAnEighthOfTheRing) {
  auto mutex = std::make_shared<std::mutex>();
  auto graph = std::make_shared<TaskGraph>(mutex);
  testing::internal::CaptureStderr();
  std::optional<ObserverGroup> group;
  {
    NoNewThreads refuse;
    group.emplace(mutex, graph, nullptr, nullptr, std::function<void()>{}, 64);
  }
  testing::internal::GetCapturedStderr();
  const detail::TaskSpec& spec = spec_types[0];
  auto submit_one = [&](std::uint64_t id) {
    group->on_submitted({id, spec.name, {}, {}, static_cast<rt::EventTime>(id), {}, &spec});
  };
  for (std::uint64_t id = 1; id <= 64; ++id) submit_one(id);  // (one record each: full)
  EXPECT_EQ(graph->counts().total, 0u);
  submit_one(65);
  EXPECT_EQ(graph->counts().total, 8u) << "the producer's drain took more than an eighth";
  group->flush();
  EXPECT_EQ(graph->counts().total, 65u);
}

// EventRing (observe/event_ring.hpp) on its own: events come out whole and in order, at
// most `max_records` records at a time (the first event whole when longer).
TEST(EventRing, ConsumeTakesAtMostTheRecordsAskedForInOrder) {
  EventRing ring(16);
  auto no_room = [] { ADD_FAILURE() << "the ring was not full"; };
  for (std::uint32_t e = 0; e < 5; ++e) {
    ring.append(2, [&](TraceRecord* r, std::uint32_t i) { r->a = e * 10 + i; }, no_room);
  }
  std::vector<std::uint64_t> seen;
  auto take = [&](const TraceRecord* r, std::uint32_t n) noexcept {
    for (std::uint32_t i = 0; i < n; ++i) seen.push_back(r[i].a);
  };
  EXPECT_EQ(ring.consume(take, false, 5), 2u);  // (a third event would make 6 records)
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 10, 11}));
  EXPECT_EQ(ring.consume(take, false, 1), 1u);  // (at least one event)
  EXPECT_EQ(ring.consume(take, true), 2u);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 10, 11, 20, 21, 30, 31, 40, 41}));
  EXPECT_EQ(ring.consume(take, false), 0u);
}

// An event past the ring's end comes out whole and in order (its two parts joined):
// with 8 slots, events of 1, 3, 3 and 3 records, each taken before the next, the third
// lands on slots 4..6 and the fourth on 7, 0 and 1.
TEST(EventRing, AnEventWrappingTheRingsEndComesOutInOrder) {
  EventRing ring(8);
  auto no_room = [] { ADD_FAILURE() << "the ring was not full"; };
  std::vector<std::vector<std::uint64_t>> events;
  auto take = [&](const TraceRecord* r, std::uint32_t n) noexcept {
    events.emplace_back();
    for (std::uint32_t i = 0; i < n; ++i) events.back().push_back(r[i].a);
  };
  std::uint64_t next = 0;
  for (std::uint32_t n : {1u, 3u, 3u, 3u}) {
    ring.append(n, [&](TraceRecord* r, std::uint32_t) { r->a = next++; }, no_room);
    EXPECT_EQ(ring.consume(take, false), 1u);
  }
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2], (std::vector<std::uint64_t>{4, 5, 6}));
  EXPECT_EQ(events[3], (std::vector<std::uint64_t>{7, 8, 9}));  // (slots 7, 0, 1)
}

// A producer that finds the ring full and cannot make room (its make_room finds the
// consumer's lock taken) sleeps until a consumer frees room, then appends: it calls
// make_room once per wake (a consumer's, or the ring's recheck period), where before it
// spun calling it and yielding. Synchronised on the ring's count of sleepers only.
TEST(EventRing, AProducerOfAFullRingSleepsUntilAConsumerFreesRoom) {
  EventRing ring(8);
  auto no_room = [] { ADD_FAILURE() << "the ring was not full"; };
  for (std::uint64_t e = 0; e < 8; ++e) ring.append(1, [&](TraceRecord* r, std::uint32_t) { r->a = e; }, no_room);
  std::atomic<int> calls{0};
  const auto began = std::chrono::steady_clock::now();
  std::thread producer([&] {
    ring.append(1, [](TraceRecord* r, std::uint32_t) { r->a = 8; }, [&] { ++calls; });  // (the lock is "taken")
  });
  bool slept = false;
  for (auto deadline = began + std::chrono::seconds(10); !slept && std::chrono::steady_clock::now() < deadline;) {
    slept = ring.sleeping() == 1;
    if (!slept) std::this_thread::yield();
  }
  const auto waited = std::chrono::steady_clock::now() - began;
  EXPECT_TRUE(slept) << "the producer of a full ring did not sleep";
  // Once per wake: the first try, then one per recheck period at most (never thousands).
  EXPECT_LE(static_cast<long long>(calls.load()), 2 + static_cast<long long>(waited / EventRing::recheck));
  std::vector<std::uint64_t> seen;
  auto take = [&](const TraceRecord* r, std::uint32_t) noexcept { seen.push_back(r->a); };
  EXPECT_EQ(ring.consume(take, false, 1), 1u);  // frees one slot: wakes the producer
  producer.join();
  EXPECT_EQ(ring.sleeping(), 0);
  ring.consume(take, true);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

// A run's end tells the three what the ring still holds before the files are written.
TEST(ObserverGroup, TheRunsEndTellsWhatTheRingHolds) {
  auto mutex = std::make_shared<std::mutex>();
  auto graph = std::make_shared<TaskGraph>(mutex);
  std::uint64_t done_at_end = 0;
  auto group = std::make_shared<ObserverGroup>(mutex, graph, nullptr, nullptr,
                                               [&] { done_at_end = graph->counts().by_state[static_cast<int>(TaskState::done)]; });
  for (std::uint64_t id = 1; id <= 500; ++id) one_task(*group, id, 1, true);
  group->on_run_ended({0});
  EXPECT_EQ(done_at_end, 500u);
}

// A member made with another lock would be told events unguarded: refused.
TEST(ObserverGroup, RefusesAMemberWithAnotherLock) {
  auto mutex = std::make_shared<std::mutex>();
  EXPECT_THROW(ObserverGroup(mutex, std::make_shared<TaskGraph>(), nullptr, nullptr), std::logic_error);
  EXPECT_NO_THROW(ObserverGroup(mutex, std::make_shared<TaskGraph>(mutex), std::make_shared<RunSummary>(mutex), nullptr));
}
