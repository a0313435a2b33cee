// The trace of --trace before any file (runtime/observe/trace_recorder.hpp,
// trace_model.hpp): attempts laid on lanes that never overlap, the master's executor
// thread kept when free, an attempt whose end was not recorded, the event budget, the
// ready-task counter, nested waits, and the Paraver header of a model; the recorder's
// binary records (each event back as told) and its bounded memory.
#include "core/event_clock.hpp"
#include "observe/paraver_writer.hpp"
#include "observe/perfetto_writer.hpp"
#include "observe/trace_html.hpp"
#include "observe/trace_model.hpp"
#include "observe/trace_recorder.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace compss::rt;
using namespace compss::rt::observe;

namespace {

/// Submits, starts and ends task `id` of type `name` on `node` from `begin` to `end`.
void run(TraceRecorder& r, std::uint64_t id, const char* name, int node, unsigned slot, EventTime begin,
         EventTime end) {
  r.on_submitted(TaskSubmitted{id, name, {}, {}, begin});
  r.on_ready(TaskReady{id, begin});
  r.on_started(TaskStarted{id, 1, Allocation{node, node == 0 ? "master" : "w1", slot}, begin});
  r.on_ended(TaskEnded{id, TaskOutcome::success, 1, false, end});
}

const TaskSpan& span_of(const TraceModel& m, std::uint64_t id) {
  for (const TaskSpan& s : m.tasks) {
    if (s.task_id == id) return s;
  }
  throw std::runtime_error("no span of task " + std::to_string(id));
}

}  // namespace

TEST(TraceModel, AttemptsOnAWorkerTakeTheLowestFreeLane) {
  TraceRecorder r(1000);
  run(r, 1, "a", 1, 0, 100, 200);
  run(r, 2, "a", 1, 0, 150, 250);  // overlaps 1: a second lane
  run(r, 3, "b", 1, 0, 210, 300);  // 1 ended: its lane again
  r.on_run_ended(RunEnded{400});  // (after the last event: the shutdown is not drawn)
  TraceModel m = build_trace_model(r.take());
  ASSERT_EQ(m.nodes.size(), 2u);
  EXPECT_EQ(m.nodes[1].name, "w1");
  EXPECT_EQ(m.nodes[1].threads, 3);  // its runtime thread and two lanes
  EXPECT_EQ(span_of(m, 1).thread, 2);
  EXPECT_EQ(span_of(m, 2).thread, 3);
  EXPECT_EQ(span_of(m, 3).thread, 2);
  EXPECT_EQ(span_of(m, 1).begin, 0);  // times from the first event
  EXPECT_EQ(m.duration, 200);  // the last end, 300, from the first event, 100
  EXPECT_EQ(m.type_names[span_of(m, 3).type], "b");
}

// Task types are held by the tasks seen, not by their ids: a task id of 2^32 and one of
// 2^63 (a vector by id would take 16 GB and more) cost one entry each, typed right; an
// id never submitted has type 0.
TEST(TraceModel, HugeTaskIdsTakeOneTypeEntryEach) {
  TraceRecorder r(1000);
  constexpr std::uint64_t huge = std::uint64_t{1} << 32, huger = std::uint64_t{1} << 63;
  run(r, 1, "a", 0, 0, 0, 10);
  run(r, huge, "b", 0, 0, 20, 30);
  run(r, huger, "c", 0, 0, 40, 50);
  TraceModel m = build_trace_model(r.take());
  EXPECT_EQ(m.task_type.size(), 3u);
  EXPECT_EQ(m.submitted, (std::vector<std::uint64_t>{1, huge, huger}));
  EXPECT_EQ(m.type_names[span_of(m, huge).type], "b");
  EXPECT_EQ(m.type_names[span_of(m, huger).type], "c");
  EXPECT_EQ(m.type_names[m.task_type.of(1)], "a");
  EXPECT_EQ(m.task_type.of(huge + 1), 0u);
}

// A task told submitted twice keeps the type of the last (as the model did by id).
TEST(TraceModel, ATaskSubmittedTwiceKeepsItsLastType) {
  const TaskTypes types({{7, 1}, {3, 4}, {7, 2}, {5, 3}});
  EXPECT_EQ(types.size(), 3u);
  EXPECT_EQ(types.of(7), 2u);
  EXPECT_EQ(types.of(3), 4u);
  EXPECT_EQ(types.of(5), 3u);
  EXPECT_EQ(types.of(4), 0u);
}

TEST(TraceModel, TheMastersExecutorThreadIsKeptWhenFree) {
  TraceRecorder r(1000);
  run(r, 1, "a", 0, 2, 0, 10);
  run(r, 2, "a", 0, 2, 5, 20);  // its thread is busy (a nested run): another lane
  TraceModel m = build_trace_model(r.take());
  EXPECT_EQ(span_of(m, 1).thread, 4);  // executor 2 = lane 2 = thread 4
  EXPECT_NE(span_of(m, 2).thread, 4);
  EXPECT_EQ(m.nodes[0].threads, 4);
}

TEST(TraceModel, AnAttemptWithoutItsEndEndsWithTheTrace) {
  TraceRecorder r(1000);
  run(r, 1, "a", 0, 0, 0, 10);
  r.on_started(TaskStarted{2, 1, Allocation{0, "master", 0}, 5});
  r.on_activity(RuntimeActivity{Activity::barrier, true, 40});
  r.on_activity(RuntimeActivity{Activity::barrier, false, 50});
  r.on_run_ended(RunEnded{90});
  TraceModel m = build_trace_model(r.take());
  EXPECT_TRUE(span_of(m, 2).unfinished);
  EXPECT_EQ(span_of(m, 2).end, 50);  // the trace's last event
}

TEST(TraceModel, ASpentBudgetSaysTheTraceIsTruncated) {
  TraceRecorder r(5);
  run(r, 1, "a", 0, 0, 0, 10);  // 4 events
  run(r, 2, "a", 0, 0, 20, 30);  // 1 kept, 3 dropped
  TraceModel m = build_trace_model(r.take());
  EXPECT_EQ(m.dropped, 3u);
  EXPECT_NE(perfetto::metadata_json(m, "d").find("\"truncated\":true"), std::string::npos);
  EXPECT_NE(perfetto::metadata_json(m, "d").find("\"events_dropped\":3"), std::string::npos);
}

TEST(TraceModel, ReadyTasksCountUntilTheyStart) {
  TraceRecorder r(1000);
  r.on_ready(TaskReady{1, 0});
  r.on_ready(TaskReady{2, 10});
  r.on_started(TaskStarted{1, 1, Allocation{}, 20});
  r.on_ended(TaskEnded{2, TaskOutcome::cancelled, 0, false, 30});  // never started
  TraceModel m = build_trace_model(r.take());
  std::vector<std::pair<std::int64_t, std::int64_t>> points;
  for (const CounterPoint& p : m.ready_tasks) points.emplace_back(p.time, p.value);
  EXPECT_EQ(points, (std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 1}, {10, 2}, {20, 1}, {30, 0}}));
}

TEST(TraceModel, NestedWaitsAreOneSpanAndTransfersCountBytesInFlight) {
  TraceRecorder r(1000);
  r.on_activity(RuntimeActivity{Activity::barrier, true, 0});
  r.on_activity(RuntimeActivity{Activity::barrier, true, 5});
  r.on_activity(RuntimeActivity{Activity::barrier, false, 8});
  r.on_activity(RuntimeActivity{Activity::barrier, false, 20});
  r.on_transfer(DataTransferred{7, 2, 100, 1, 0, 2, 12});
  r.on_transfer(DataTransferred{8, 1, 50, 0, 1, 4, 10});
  r.on_clock(NodeClock{1, -300, 42, 9});
  TraceModel m = build_trace_model(r.take());
  ASSERT_EQ(m.activities.size(), 1u);
  EXPECT_EQ(m.activities[0].begin, 0);
  EXPECT_EQ(m.activities[0].end, 20);
  std::vector<std::int64_t> bytes;
  for (const CounterPoint& p : m.bytes_in_flight) bytes.push_back(p.value);
  EXPECT_EQ(bytes, (std::vector<std::int64_t>{100, 150, 100, 0}));
  ASSERT_EQ(m.nodes.size(), 2u);
  EXPECT_TRUE(m.nodes[1].clock_known);
  EXPECT_EQ(m.nodes[1].clock_error, 42);
  EXPECT_EQ(m.max_clock_error(), 42);
}

TEST(TraceModel, ParaverHeaderNamesEveryNodeWithItsThreads) {
  TraceRecorder r(1000);
  run(r, 1, "a", 0, 0, 0, 10);
  run(r, 2, "a", 1, 0, 0, 10);
  run(r, 3, "a", 1, 0, 5, 12);
  TraceModel m = build_trace_model(r.take());
  const auto dir = std::filesystem::temp_directory_path() / ("trace_model_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  paraver::write(m, (dir / "trace").string(), "06/12/26 at 05:00");
  std::ifstream prv(dir / "trace.prv");
  std::string header;
  std::getline(prv, header);
  // master: main + executor 0; w1: runtime + 2 lanes.
  EXPECT_EQ(header, "#Paraver (06/12/26 at 05:00):12_ns:2(2,3):1:2(2:1,3:2)");
  std::filesystem::remove_all(dir);
}

TEST(TraceModel, ParaverRecordsAreInTimeOrderWithAnEndBeforeTheNextBegin) {
  TraceRecorder r(1000);
  const EventTime big = EventTime{1} << 33;  // (times past 2^32: every pass of the sort)
  run(r, 1, "a", 0, 0, 0, big);
  run(r, 2, "b", 0, 0, big, big + 5);  // begins when 1 ends, on its thread
  run(r, 3, "a", 1, 0, (EventTime{1} << 32) + 1, big + 2);
  TraceModel m = build_trace_model(r.take());
  const auto dir = std::filesystem::temp_directory_path() / ("trace_order_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  paraver::write(m, (dir / "trace").string(), "06/12/26 at 05:00");
  std::ifstream prv(dir / "trace.prv");
  std::string line;
  std::getline(prv, line);  // (the header)
  std::int64_t last = -1;
  std::vector<std::string> at_big;  // the master's task events at time `big`
  while (std::getline(prv, line)) {
    std::vector<std::string> f;
    for (std::size_t a = 0, b; a <= line.size(); a = b + 1) {
      b = line.find(':', a);
      if (b == std::string::npos) b = line.size();
      f.push_back(line.substr(a, b - a));
    }
    const std::int64_t time = std::stoll(f.at(5));
    EXPECT_GE(time, last) << line;
    last = time;
    if (f[0] == "2" && f[3] == "1" && time == big && f.at(6) == "8000000") at_big.push_back(f.at(7));
  }
  EXPECT_EQ(at_big, (std::vector<std::string>{"0", "2"}));  // 1's end, then 2's begin (type b = 2)
  std::filesystem::remove_all(dir);
}

// Workers' own events (NodeActivity): an attempt goes on the task thread the worker named
// (its thread k is the node's thread k + 1), with the worker's times; one it did not tell
// of goes on a lane after the task threads; its other work is kept on the same threads.
TEST(TraceModel, AWorkersOwnEventsPutAttemptsOnItsThreads) {
  TraceRecorder r(1000);
  run(r, 1, "a", 1, 0, 100, 200);
  run(r, 2, "a", 1, 0, 120, 220);
  run(r, 3, "a", 1, 0, 130, 230);  // not told: a lane
  r.on_node_activity(NodeActivity{1, 2, NodeWork::inputs, 1, 1, TaskOutcome::success, 0, 95, 101});
  r.on_node_activity(NodeActivity{1, 2, NodeWork::task, 1, 1, TaskOutcome::success, 0, 101, 199});
  r.on_node_activity(NodeActivity{1, 1, NodeWork::task, 2, 1, TaskOutcome::success, 0, 121, 219});
  r.on_node_activity(NodeActivity{1, 0, NodeWork::serve, 0, 0, TaskOutcome::success, 64, 150, 160});
  TraceModel m = build_trace_model(r.take());
  ASSERT_EQ(m.nodes.size(), 2u);
  EXPECT_EQ(m.nodes[1].task_threads, 2);
  EXPECT_EQ(m.nodes[1].threads, 4);  // runtime, threads 1 and 2, one lane
  EXPECT_EQ(span_of(m, 1).thread, 3);
  EXPECT_EQ(span_of(m, 2).thread, 2);
  EXPECT_EQ(span_of(m, 3).thread, 4);
  EXPECT_EQ(span_of(m, 1).begin, 101 - m.origin);  // the worker's own times
  EXPECT_EQ(span_of(m, 1).end, 199 - m.origin);
  EXPECT_EQ(m.origin, 95);  // (its inputs' step came first)
  EXPECT_EQ(thread_name(m.nodes[1], 2), "w1 thread 1");
  EXPECT_EQ(thread_name(m.nodes[1], 4), "w1 lane 1");
  ASSERT_EQ(m.work.size(), 2u);
  EXPECT_EQ(m.work[0].kind, NodeWork::inputs);
  EXPECT_EQ(m.work[0].thread, 3);
  EXPECT_EQ(m.work[1].kind, NodeWork::serve);
  EXPECT_EQ(m.work[1].thread, 1);
  EXPECT_EQ(m.work[1].bytes, 64u);
  EXPECT_EQ(m.nodes[1].events_told, 4u);
}

// Spans converted with offsets learnt at different moments may overlap on a thread by the
// conversion's error: each then begins where the one before ended.
TEST(TraceModel, OverlappingSpansOfAWorkersThreadAreMadeSequential) {
  TraceRecorder r(1000);
  run(r, 1, "a", 1, 0, 100, 200);
  run(r, 2, "a", 1, 0, 200, 300);
  r.on_node_activity(NodeActivity{1, 1, NodeWork::task, 1, 1, TaskOutcome::success, 0, 100, 205});
  r.on_node_activity(NodeActivity{1, 1, NodeWork::outputs, 1, 1, TaskOutcome::success, 0, 205, 210});
  r.on_node_activity(NodeActivity{1, 1, NodeWork::task, 2, 1, TaskOutcome::success, 0, 198, 300});
  TraceModel m = build_trace_model(r.take());
  const TaskSpan& first = span_of(m, 1);
  const TaskSpan& second = span_of(m, 2);
  ASSERT_EQ(first.thread, second.thread);
  ASSERT_EQ(m.work.size(), 1u);
  ASSERT_EQ(m.work[0].thread, first.thread);
  std::vector<std::pair<std::int64_t, std::int64_t>> spans{
      {first.begin, first.end}, {second.begin, second.end}, {m.work[0].begin, m.work[0].end}};
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_LE(spans[i].first, spans[i].second);
    if (i > 0) EXPECT_LE(spans[i - 1].second, spans[i].first) << "span " << i << " overlaps the one before";
  }
  EXPECT_EQ(first.begin, 0);  // the first keeps its time
  EXPECT_EQ(m.duration, spans.back().second);
}

TEST(TraceModel, EventsAWorkerCouldNotKeepMakeTheTraceTruncated) {
  TraceRecorder r(1000);
  run(r, 1, "a", 1, 0, 100, 200);
  r.on_clock(NodeClock{1, 5, 3, 200, 2, 7});
  TraceModel m = build_trace_model(r.take());
  EXPECT_EQ(m.nodes[1].clock_probes, 2u);
  EXPECT_EQ(m.nodes[1].events_dropped, 7u);
  EXPECT_EQ(m.dropped, 7u);
  const std::string meta = perfetto::metadata_json(m, "06/12/26 at 05:00");
  EXPECT_NE(meta.find("\"truncated\":true"), std::string::npos) << meta;
  EXPECT_NE(meta.find("\"clock_probes\":2"), std::string::npos) << meta;
  EXPECT_NE(meta.find("\"events_dropped\":7"), std::string::npos) << meta;
}

// A task's wait for the scheduler: from ready to its placement (master-worker) or its start
// (local), and for a retry from the failed attempt's end; replicas wait once each.
TEST(TraceModel, SchedulerWaitsRunFromReadyOrThePreviousEndToTheDecision) {
  TraceRecorder r(1000);
  r.on_submitted(TaskSubmitted{1, "a", {}, {}, 0});
  r.on_ready(TaskReady{1, 0});
  r.on_started(TaskStarted{1, 1, Allocation{}, 30});  // local: the start is the decision
  r.on_ended(TaskEnded{1, TaskOutcome::failed, 1, true, 50});
  r.on_started(TaskStarted{1, 2, Allocation{}, 55});  // the retry waited 5
  r.on_ended(TaskEnded{1, TaskOutcome::success, 2, false, 60});
  r.on_submitted(TaskSubmitted{2, "b", {}, {}, 0});
  r.on_ready(TaskReady{2, 10});
  r.on_placed(TaskPlaced{2, 1, 1, 70});  // placed: its start on the worker is no decision
  r.on_placed(TaskPlaced{2, 2, 1, 70});  // (a replica)
  r.on_started(TaskStarted{2, 1, Allocation{1, "w1", 0}, 80});
  r.on_ended(TaskEnded{2, TaskOutcome::success, 1, false, 90});
  TraceModel m = build_trace_model(r.take());
  std::vector<std::tuple<std::uint64_t, bool, std::int64_t, std::int64_t>> waits;
  for (const SchedulerWait& w : m.scheduler_waits) waits.emplace_back(w.task_id, w.placed, w.begin, w.end);
  EXPECT_EQ(waits, (std::vector<std::tuple<std::uint64_t, bool, std::int64_t, std::int64_t>>{
                       {1, false, 0, 30}, {1, false, 50, 55}, {2, true, 10, 70}, {2, true, 10, 70}}));
}

// Viewers of the JSON read "ts" and "dur" as doubles of microseconds and take ts + dur as
// a slice's end; a slice that ends where the next on its thread begins must not seem to
// overlap it (1664.621 + 0.209 > 1664.83 in doubles: DevTools' flame chart then left the
// next task out). Every complete event's ts + dur, read back so, is exactly its end.
TEST(TraceModel, ChromeJsonSlicesEndExactlyWhereTheirEndIsWhenReadAsDoubles) {
  TraceRecorder r(1000);
  run(r, 1, "a", 0, 0, 0, 10);  // (the origin: time 0)
  run(r, 2, "a", 0, 0, 1664621, 1664830);
  run(r, 3, "a", 0, 0, 1664830, 1700000);  // begins when 2 ends, on its thread
  for (std::int64_t b = 2000000; b < 2100000; b += 997) run(r, 10 + b, "b", 0, 0, b, b + 997);
  TraceModel m = build_trace_model(r.take());
  const auto dir = std::filesystem::temp_directory_path() / ("trace_json_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  perfetto::write(m, (dir / "trace.json").string(), "06/12/26 at 05:00");
  std::ifstream json(dir / "trace.json");
  std::string line;
  std::map<std::int64_t, double> begins;        // every slice's begin (ns) -> its parsed ts
  std::vector<std::pair<double, double>> ends;  // (ts + dur, the next begin's ts) of each slice
  std::vector<std::pair<std::int64_t, double>> slices;  // (begin ns, ts + dur)
  while (std::getline(json, line)) {
    if (line.find("\"ph\":\"X\"") == std::string::npos || line.find("\"cat\":\"task\"") == std::string::npos)
      continue;
    const double ts = std::strtod(line.c_str() + line.find("\"ts\":") + 5, nullptr);
    const double dur = std::strtod(line.c_str() + line.find("\"dur\":") + 6, nullptr);
    const auto ns = static_cast<std::int64_t>(std::llround(ts * 1000));
    begins[ns] = ts;
    slices.emplace_back(ns, ts + dur);
  }
  ASSERT_EQ(slices.size(), 3u + 101u);
  int touching = 0;
  for (const auto& [begin, end] : slices) {
    auto next = begins.upper_bound(begin);
    if (next == begins.end()) continue;
    EXPECT_LE(end, next->second) << "the slice at " << begin << " ns ends after the next one begins";
    if (end == next->second) ++touching;
  }
  EXPECT_EQ(touching, 1 + 100);  // 2 ends where 3 begins, each "b" where the next begins
  std::filesystem::remove_all(dir);
}

// Memory is bounded by the budget (core/trace_buffer.hpp): threads telling far more
// events than it holds keep at most the budget's records, no more memory than 32 bytes
// each, and every event refused is counted and said in the trace's metadata.
TEST(TraceRecorder, ATinyBudgetBoundsMemoryAndCountsEveryDroppedEvent) {
  constexpr std::uint64_t budget = 1000;
  constexpr int threads = 4;
  constexpr std::uint64_t tasks_each = 20000;  // 4 events each (80 times the budget in all)
  TraceRecorder r(budget);
  std::vector<std::thread> tellers;
  for (int t = 0; t < threads; ++t) {
    tellers.emplace_back([&r, t] {
      for (std::uint64_t i = 0; i < tasks_each; ++i) {
        const std::uint64_t id = t * tasks_each + i + 1;
        const Dependency before[] = {{id - 1, 7, i}};  // (one record more: its edge)
        r.on_submitted(TaskSubmitted{id, "a", before, {}, EventTime(i)});
        r.on_ready(TaskReady{id, EventTime(i)});
        r.on_started(TaskStarted{id, 1, Allocation{0, "master", unsigned(t)}, EventTime(i)});
        r.on_ended(TaskEnded{id, TaskOutcome::success, 1, false, EventTime(i + 1)});
      }
    });
  }
  for (std::thread& t : tellers) t.join();
  EXPECT_LE(r.memory_bytes(), budget * sizeof(TraceRecord));
  TraceEvents e = r.take();
  const std::uint64_t kept = e.submitted.size() + e.ready.size() + e.started.size() + e.ended.size();
  EXPECT_GT(kept, 0u);
  EXPECT_LE(kept + e.dependency_of.size(), budget);
  EXPECT_EQ(e.dependency_of.size(), e.submitted.size());  // a task is kept with its edge, or not at all
  EXPECT_EQ(kept + e.dropped, threads * tasks_each * 4);
  const std::uint64_t dropped = e.dropped;
  TraceModel m = build_trace_model(std::move(e));
  EXPECT_EQ(m.dropped, dropped);
  const std::string meta = perfetto::metadata_json(m, "d");
  EXPECT_NE(meta.find("\"truncated\":true"), std::string::npos) << meta;
  EXPECT_NE(meta.find("\"events_dropped\":" + std::to_string(dropped)), std::string::npos) << meta;
}

// Every field of every kind of event comes back from the binary records as it was told.
TEST(TraceRecorder, EveryEventComesBackFromItsRecordsAsTold) {
  static const compss::detail::TaskSpec spec{.name = "by_spec"};
  TraceRecorder r(1000);
  const Dependency deps[] = {{3, 40, 5}, {4, 41, 6}};
  r.on_submitted(TaskSubmitted{9, spec.name, deps, {}, 100, {}, &spec});
  r.on_submitted(TaskSubmitted{10, "by_name", {}, {}, 101});
  r.on_ready(TaskReady{9, 102});
  r.on_placed(TaskPlaced{9, 2, 3, 103});
  r.on_started(TaskStarted{9, 2, Allocation{2, "w2", 5}, 104});
  r.on_ended(TaskEnded{9, TaskOutcome::timed_out, 2, true, 105});
  r.on_activity(RuntimeActivity{Activity::barrier, false, 106});
  r.on_transfer(DataTransferred{40, 5, 1 << 20, 2, 1, 107, 108});
  r.on_node_activity(NodeActivity{1, 3, NodeWork::outputs, 9, 2, TaskOutcome::failed, 77, 109, 110});
  TraceEvents e = r.take();
  EXPECT_EQ(e.type_names, (std::vector<std::string>{"by_spec", "by_name"}));
  EXPECT_EQ(e.type_specs, (std::vector<const compss::detail::TaskSpec*>{&spec, nullptr}));
  ASSERT_EQ(e.submitted.size(), 2u);
  EXPECT_EQ(std::tie(e.submitted[0].task_id, e.submitted[0].type, e.submitted[0].time), std::make_tuple(9ull, 0u, 100ll));
  EXPECT_EQ(std::tie(e.submitted[1].task_id, e.submitted[1].type, e.submitted[1].time), std::make_tuple(10ull, 1u, 101ll));
  ASSERT_EQ(e.dependency_of.size(), 2u);
  EXPECT_EQ(std::tie(e.dependency_of[1].task_id, e.dependency_of[1].data_id, e.dependency_of[1].version),
            std::make_tuple(4ull, 41ull, 6ull));
  EXPECT_EQ(e.dependency_task, (std::vector<std::uint64_t>{9, 9}));
  ASSERT_EQ(e.ready.size(), 1u);
  EXPECT_EQ(e.ready[0].time, 102);
  ASSERT_EQ(e.placed.size(), 1u);
  EXPECT_EQ(std::tie(e.placed[0].task_id, e.placed[0].node, e.placed[0].computing_units, e.placed[0].time),
            std::make_tuple(9ull, 2, 3u, 103ll));
  ASSERT_EQ(e.started.size(), 1u);
  EXPECT_EQ(std::tie(e.started[0].attempt, e.started[0].node, e.started[0].slot, e.started[0].time),
            std::make_tuple(2u, 2, 5u, 104ll));
  EXPECT_EQ(e.node_names, (std::map<int, std::string>{{2, "w2"}}));
  ASSERT_EQ(e.ended.size(), 1u);
  EXPECT_EQ(std::tie(e.ended[0].outcome, e.ended[0].attempt, e.ended[0].will_retry, e.ended[0].time),
            std::make_tuple(TaskOutcome::timed_out, 2u, true, 105ll));
  ASSERT_EQ(e.activities.size(), 1u);
  EXPECT_EQ(std::tie(e.activities[0].kind, e.activities[0].begin, e.activities[0].time),
            std::make_tuple(Activity::barrier, false, 106ll));
  ASSERT_EQ(e.transfers.size(), 1u);
  const DataTransferred& t = e.transfers[0];
  EXPECT_EQ(std::tie(t.data_id, t.version, t.bytes, t.from, t.to, t.begin, t.end),
            std::make_tuple(40ull, 5ull, 1ull << 20, 2, 1, 107ll, 108ll));
  ASSERT_EQ(e.node_activities.size(), 1u);
  const NodeActivity& a = e.node_activities[0];
  EXPECT_EQ(std::tie(a.node, a.thread, a.kind, a.task_id, a.attempt, a.outcome, a.bytes, a.begin, a.end),
            std::make_tuple(1, 3u, NodeWork::outputs, 9ull, 2u, TaskOutcome::failed, 77ull, 109ll, 110ll));
  EXPECT_EQ(e.dropped, 0u);
  EXPECT_EQ(r.take().submitted.size(), 0u);  // (taken: the recorder is left empty)
}

TEST(TraceModel, EachTakeCountsOnlyTheDropsSinceThePreviousOne) {
  TraceRecorder r(5);
  run(r, 1, "a", 0, 0, 0, 10);   // 4 events
  run(r, 2, "a", 0, 0, 20, 30);  // 1 kept, 3 dropped
  EXPECT_EQ(r.take().dropped, 3u);
  run(r, 3, "a", 0, 0, 40, 50);  // the budget is spent: 4 dropped
  EXPECT_EQ(r.take().dropped, 4u);
}

namespace {
std::vector<std::tuple<std::uint64_t, unsigned, int, unsigned, EventTime>> starts_of(const TraceEvents& e) {
  std::vector<std::tuple<std::uint64_t, unsigned, int, unsigned, EventTime>> out;
  for (const StartRecord& s : e.started) out.emplace_back(s.task_id, s.attempt, s.node, s.slot, s.time);
  return out;
}
std::vector<std::tuple<std::uint64_t, TaskOutcome, unsigned, bool, EventTime>> ends_of(const TraceEvents& e) {
  std::vector<std::tuple<std::uint64_t, TaskOutcome, unsigned, bool, EventTime>> out;
  for (const TaskEnded& n : e.ended) out.emplace_back(n.task_id, n.outcome, n.attempt, n.will_retry, n.time);
  return out;
}
std::vector<std::tuple<Activity, bool, EventTime>> activities_of(const TraceEvents& e) {
  std::vector<std::tuple<Activity, bool, EventTime>> out;
  for (const RuntimeActivity& a : e.activities) out.emplace_back(a.kind, a.begin, a.time);
  return out;
}
}  // namespace

// An attempt written in one record when it ended (TraceRecords::ran: node 0) decodes as
// the started and ended records it stands for; off node 0 (or a slot past 16 bits) it is
// written as those two.
TEST(TraceRecorder, ARanRecordDecodesAsTheStartedAndEndedItStandsFor) {
  TraceRecorder one(1000), two(1000);
  one.direct_records()->ran(9, 2, Allocation{0, "master", 5}, 104, TaskOutcome::failed, true, 105, false);
  one.direct_records()->ran(10, 1, Allocation{3, "w3", 1}, 106, TaskOutcome::success, false, 107, false);
  one.direct_records()->ran(11, 3, Allocation{0, "master", 70000}, 108, TaskOutcome::timed_out, false, 109, false);
  two.on_started(TaskStarted{9, 2, Allocation{0, "master", 5}, 104});
  two.on_ended(TaskEnded{9, TaskOutcome::failed, 2, true, 105});
  two.on_started(TaskStarted{10, 1, Allocation{3, "w3", 1}, 106});
  two.on_ended(TaskEnded{10, TaskOutcome::success, 1, false, 107});
  two.on_started(TaskStarted{11, 3, Allocation{0, "master", 70000}, 108});
  two.on_ended(TaskEnded{11, TaskOutcome::timed_out, 3, false, 109});
  const TraceEvents a = one.take(), b = two.take();
  ASSERT_EQ(a.started.size(), 3u);
  EXPECT_EQ(starts_of(a), starts_of(b));
  EXPECT_EQ(ends_of(a), ends_of(b));
  EXPECT_EQ(a.node_names, (std::map<int, std::string>{{0, "master"}, {3, "w3"}}));
}

// In a local run the runtime records no ready (submitted_ready_derived): the decoder
// derives it, the latest of the task's submitted time and its predecessors' last ends
// (a retried one's last attempt), as Runtime::finish tells it; none when a
// predecessor's final end was not recorded (only an attempt that will be retried: its
// last attempt's record was dropped, and ended later).
TEST(TraceRecorder, ADerivedReadyIsTheLatestOfItsSubmissionAndItsPredecessorsEnds) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  TraceRecorder r(1000);
  TraceRecords& records = *r.direct_records();
  const Dependency none[1] = {};
  const Dependency on_1_2[] = {{1, 40, 1}, {2, 41, 1}};
  const Dependency on_4[] = {{4, 42, 1}};
  records.submitted(1, type, true, std::span(none, 0), 0, 10, false, true);
  records.submitted(2, type, true, std::span(none, 0), 0, 20, false, true);
  records.submitted(3, type, true, on_1_2, 0, 30, false, true);     // after 1 (ends at 50) and 2 (at 45)
  records.submitted(5, type, true, on_4, 0, 35, false, true);       // after 4, whose end was not recorded
  records.submitted(6, type, true, on_1_2, 0, 90, false, true);     // submitted after both ended
  records.submitted(7, type, true, std::span(none, 0), 0, 36, false, false);  // recorded: not derived
  records.ready(7, 37, false);
  const Dependency on_8[] = {{8, 43, 1}};
  records.submitted(8, type, true, std::span(none, 0), 0, 38, false, true);
  records.submitted(9, type, true, on_8, 0, 39, false, true);       // after 8, whose final end was not recorded
  records.ran(8, 1, Allocation{0, "master", 0}, 40, TaskOutcome::failed, true, 44, false);
  records.ran(1, 1, Allocation{0, "master", 0}, 40, TaskOutcome::success, false, 50, false);
  records.ran(2, 1, Allocation{0, "master", 0}, 41, TaskOutcome::failed, true, 42, false);
  records.ran(2, 2, Allocation{0, "master", 0}, 43, TaskOutcome::success, false, 45, false);
  const TraceEvents e = r.take();
  std::map<std::uint64_t, compss::rt::EventTime> ready;
  for (const compss::rt::TaskReady& t : e.ready) ready[t.task_id] = t.time;
  EXPECT_EQ(ready, (std::map<std::uint64_t, compss::rt::EventTime>{{1, 10}, {2, 20}, {3, 50}, {6, 90}, {7, 37}, {8, 38}}));
}

// A submission's end written into its begun record (TraceRecords::submission_ended; a task
// id of 2^32: its begin does not fit its submitted record) decodes as the activity record
// of its own it stands for, in the same place.
TEST(TraceRecorder, ASubmissionsEndInItsBegunRecordDecodesAsItsOwnActivity) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  const Dependency deps[] = {{3, 40, 5}};
  TraceRecorder one(1000), two(1000);
  constexpr std::uint64_t task = std::uint64_t{1} << 32;
  TraceRecord* begun = one.direct_records()->submitted(task, type, true, deps, 100, 101, false);
  ASSERT_NE(begun, nullptr);
  ASSERT_EQ(static_cast<RecordKind>(begun->kind), RecordKind::submission_begun);
  EXPECT_TRUE(TraceRecords::submission_ended(begun, 102));
  EXPECT_EQ(one.direct_records()->submitted(10, type, true, deps, 0, 103, false), nullptr);  // (no begin: none)
  TraceRecord* rec = two.direct_records()->reserve(3);  // (submitted() would fold them)
  ASSERT_NE(rec, nullptr);
  rec[0] = TraceRecords::record(RecordKind::submitted, false, task, 101, type, submitted_begun);
  rec[1] = TraceRecords::dependency(deps[0]);
  rec[2] = TraceRecords::record(RecordKind::submission_begun, false, 0, 100);
  two.direct_records()->activity(Activity::submission, false, 102, false);
  two.direct_records()->submitted(10, type, true, deps, 0, 103, false);
  const TraceEvents a = one.take(), b = two.take();
  ASSERT_EQ(a.activities.size(), 4u);  // the submission's begin and end, its analysis' begin and end
  EXPECT_EQ(activities_of(a), activities_of(b));
  EXPECT_EQ(a.submitted.size(), 2u);
}

// A submission written as its analysis goes with its begin and end (its analysis' end) in
// its submitted record (submitted_spans): the activities, task and edges decoded are those
// of a submission written with a begun record and an end of its own, also at the offsets'
// limits (0, and the largest that fits); no record of its own for either.
namespace {
struct Submission {
  std::uint64_t task;
  EventTime begin, analysed;  // (it ends with its analysis)
};
/// `s` written as the runtime writes it traced alone (open, an edge, close with its end);
/// the kinds of the records it took.
std::vector<RecordKind> write_as_it_goes(TraceRecords& records, const Submission& s, std::uint64_t type) {
  TraceBuffer* buffer = records.buffer();
  TraceRecord* open = TraceRecords::open_submission(*buffer, 1);
  EXPECT_TRUE(TraceRecords::edge(*buffer, Dependency{s.task - 1, 40, 5}));
  TraceRecords::close_submission(open, *buffer, s.task, type, s.begin, s.analysed, false, false);
  std::vector<RecordKind> kinds;
  buffer->for_each([&](const TraceRecord& x) { kinds.push_back(static_cast<RecordKind>(x.kind & ~tsc_time)); });
  return kinds;
}
/// `s` as a submitted record, its edge, its begun record and its end as an activity.
TraceEvents written_apart(const Submission& s, std::uint64_t type) {
  TraceRecorder r(1000);
  TraceRecords& records = *r.direct_records();
  TraceRecord* rec = records.reserve(3);
  rec[0] = TraceRecords::record(RecordKind::submitted, false, s.task, s.analysed, type, submitted_begun);
  rec[1] = TraceRecords::dependency(Dependency{s.task - 1, 40, 5});
  rec[2] = TraceRecords::record(RecordKind::submission_begun, false, 0, s.begin);
  records.activity(Activity::submission, false, s.analysed, false);
  return r.take();
}
}  // namespace

TEST(TraceRecorder, ASubmissionsBeginAndEndInItsSubmittedRecordDecodeAsTheirOwnRecords) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  constexpr EventTime t = 1'000'000'000'000;
  const Submission cases[] = {
      {9, t - 30, t},                           // usual
      {9, t, t},                                // offsets 0
      {0xffffffffu, t - 0xffffffffLL, t},       // the largest that fits
  };
  for (const Submission& s : cases) {
    SCOPED_TRACE(s.task);
    TraceRecorder one(1000);
    EXPECT_EQ(write_as_it_goes(*one.direct_records(), s, type),
              (std::vector<RecordKind>{RecordKind::submitted, RecordKind::dependency}));
    const TraceEvents a = one.take(), b = written_apart(s, type);
    ASSERT_EQ(a.activities.size(), 4u);
    EXPECT_EQ(activities_of(a), activities_of(b));
    ASSERT_EQ(a.submitted.size(), 1u);
    EXPECT_EQ(a.submitted[0].task_id, s.task);
    EXPECT_EQ(a.submitted[0].time, s.analysed);
    ASSERT_EQ(a.dependency_task.size(), 1u);
    EXPECT_EQ(a.dependency_task[0], s.task);
    EXPECT_EQ(a.dependency_of[0].task_id, s.task - 1);
  }
}

// What does not fit a submitted record falls back to the records it stands for: a task id
// past 32 bits or a begin more than 2^32 - 1 units before the analysis' end, a begun record
// (its end in it only for the task id: a begin that early puts its end 2^32 - 1 or more
// after it, an activity record of its own).
TEST(TraceRecorder, ASubmissionWhoseSpansDoNotFitFallsBackToItsBegunRecord) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  constexpr EventTime t = 1'000'000'000'000;
  using K = RecordKind;
  const std::pair<Submission, std::vector<RecordKind>> cases[] = {
      {{std::uint64_t{1} << 32, t - 30, t}, {K::submitted, K::dependency, K::submission_begun}},
      {{(std::uint64_t{1} << 40) + 7, t - 30, t}, {K::submitted, K::dependency, K::submission_begun}},
      {{9, t - 0x100000000LL, t}, {K::submitted, K::dependency, K::submission_begun, K::activity}},
  };
  for (const auto& [s, kinds] : cases) {
    SCOPED_TRACE(s.task);
    TraceRecorder one(1000);
    EXPECT_EQ(write_as_it_goes(*one.direct_records(), s, type), kinds);
    const TraceEvents a = one.take(), b = written_apart(s, type);
    ASSERT_EQ(a.activities.size(), 4u);
    EXPECT_EQ(activities_of(a), activities_of(b));
    ASSERT_EQ(a.submitted.size(), 1u);
    EXPECT_EQ(a.submitted[0].task_id, s.task);
    ASSERT_EQ(a.dependency_task.size(), 1u);
    EXPECT_EQ(a.dependency_task[0], s.task);
  }
}

// A submission completed as its analysis goes whose begun record (a task id of 2^32: its
// begin does not fit its submitted record) the budget refuses is dropped whole: its record
// stays withdrawn, its edge is skipped, the refusal counted (and its end's, apart).
TEST(TraceRecorder, ASubmissionWhoseBegunRecordTheBudgetRefusesIsDroppedWhole) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  constexpr EventTime t = 1'000'000'000'000;
  TraceRecorder r(3);  // (room for the submitted record and its two edges only)
  TraceRecords& records = *r.direct_records();
  TraceBuffer* buffer = records.buffer();
  ASSERT_NE(buffer, nullptr);
  TraceRecord* open = TraceRecords::open_submission(*buffer, 1);  // (one parameter: a collection of two)
  ASSERT_NE(open, nullptr);
  ASSERT_TRUE(TraceRecords::edge(*buffer, Dependency{3, 40, 5}));
  ASSERT_TRUE(TraceRecords::edge(*buffer, Dependency{4, 41, 5}));
  TraceRecords::close_submission(open, *buffer, std::uint64_t{1} << 32, type, t - 30, t, false, false);
  EXPECT_EQ(buffer->dropped(), 2u);  // (its begun record, and its end apart)
  const TraceEvents e = r.take();
  EXPECT_TRUE(e.submitted.empty());
  EXPECT_TRUE(e.dependency_of.empty());
  EXPECT_TRUE(e.dependency_task.empty());
  EXPECT_TRUE(e.activities.empty());
  EXPECT_EQ(e.dropped, 2u);
}

// A submission can be kept without its end (an end that needs a record of its own the
// budget refuses: since a submission ends with its analysis, only one with a begun record,
// a task id past 32 bits or a begin 2^32 units before, whose analysis took 2^32 units or more): its begin is dropped by the decoder, so the model and every output
// (Paraver, Perfetto JSON, trace.html, all drawn from the model's closed spans) show its
// analysis but no submission span, and a later submission on the thread keeps its own.
TEST(TraceModel, ASubmissionKeptWithoutItsEndShowsNoSubmissionSpanInAnyOutput) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  TraceRecorder r(1000);
  TraceRecords& records = *r.direct_records();
  const Dependency deps[] = {{1, 40, 5}};
  ASSERT_NE(records.submitted(7, type, true, deps, 100, 130, false), nullptr);  // submitted_spans, no end
  constexpr EventTime late = 140 + (EventTime{1} << 32), t = EventTime{1} << 33;
  ASSERT_NE(records.submitted(8, type, true, deps, 140, late, false), nullptr);  // begun too early: a begun record, no end
  TraceRecord* kept = records.submitted(9, type, true, deps, t, t + 30, false);
  ASSERT_NE(kept, nullptr);
  EXPECT_TRUE(TraceRecords::submission_ended(kept, t + 60));
  TraceEvents e = r.take();
  ASSERT_EQ(e.submitted.size(), 3u);
  EXPECT_EQ(activities_of(e), (std::vector<std::tuple<Activity, bool, EventTime>>{
                                  {Activity::dependency_analysis, true, 100},
                                  {Activity::dependency_analysis, false, 130},
                                  {Activity::dependency_analysis, true, 140},
                                  {Activity::dependency_analysis, false, late},
                                  {Activity::submission, true, t},
                                  {Activity::dependency_analysis, true, t},
                                  {Activity::dependency_analysis, false, t + 30},
                                  {Activity::submission, false, t + 60}}));
  const TraceModel m = build_trace_model(std::move(e));
  std::vector<std::pair<Activity, std::int64_t>> spans;
  for (const ActivitySpan& a : m.activities) spans.emplace_back(a.kind, a.end - a.begin);
  EXPECT_EQ(spans, (std::vector<std::pair<Activity, std::int64_t>>{{Activity::dependency_analysis, 30},
                                                                   {Activity::dependency_analysis, late - 140},
                                                                   {Activity::dependency_analysis, 30},
                                                                   {Activity::submission, 60}}));
  const auto dir = std::filesystem::temp_directory_path() / ("trace_unended_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  paraver::write(m, (dir / "trace").string(), "06/12/26 at 05:00");
  perfetto::write(m, (dir / "trace.json").string(), "06/12/26 at 05:00");
  html::write(m, (dir / "trace.html").string(), "06/12/26 at 05:00");
  const auto count = [](const std::filesystem::path& file, auto&& counts) {
    std::ifstream in(file);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += counts(line);
    return n;
  };
  const std::string scheduling = ":" + std::to_string(paraver::state_scheduling);
  EXPECT_EQ(count(dir / "trace.prv",
                  [&](const std::string& l) {
                    return l.starts_with("1:") && l.ends_with(scheduling) ? 1 : 0;
                  }),
            1);  // (one scheduling state: the kept submission's)
  EXPECT_EQ(count(dir / "trace.json",
                  [](const std::string& l) { return l.find("\"name\":\"submission\"") != std::string::npos ? 1 : 0; }),
            1);
  EXPECT_EQ(count(dir / "trace.html",
                  [](const std::string& l) {
                    int n = 0;
                    for (std::size_t at = l.find("\"submission\","); at != std::string::npos;
                         at = l.find("\"submission\",", at + 1))
                      ++n;
                    return n;
                  }),
            1);
  std::filesystem::remove_all(dir);
}

// With counter stamps (tsc) the offsets of a folded submission are in counter ticks: it
// decodes to the very times of the same submission written apart (its submitted record, a
// begun record and its end as an activity of its own), the folded form and the begun-record
// fallback (a task id of 2^32) alike. Both in one recorder: one conversion for both.
TEST(TraceRecorder, ACounterStampedSubmissionFoldedDecodesAsItsRecordsWrittenApart) {
  if (!compss::rt::tsc_stamps_usable()) GTEST_SKIP() << "no usable time-stamp counter";
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  TraceRecorder r(1000, true);
  TraceRecords& records = *r.direct_records();
  ASSERT_TRUE(records.counter_stamps());
  const EventTime begin = compss::rt::read_tsc();
  const Dependency deps[] = {{3, 40, 5}};
  const auto apart = [&](std::uint64_t task, EventTime b, EventTime analysed, EventTime end) {
    TraceRecord* rec = records.reserve(3);
    ASSERT_NE(rec, nullptr);
    rec[0] = TraceRecords::record(RecordKind::submitted, true, task, analysed, type, submitted_begun);
    rec[1] = TraceRecords::dependency(deps[0]);
    rec[2] = TraceRecords::record(RecordKind::submission_begun, true, 0, b);
    records.activity(Activity::submission, false, end, true);
  };
  const std::uint64_t folded[] = {9, std::uint64_t{1} << 32};  // (in its submitted record; in its begun record)
  for (std::size_t i = 0; i < 2; ++i) {
    const EventTime b = begin + 1000 * static_cast<EventTime>(i), analysed = b + 333, end = b + 777;
    TraceRecord* rec = records.submitted(folded[i], type, true, deps, b, analysed, true);
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ((rec->small & submitted_spans) != 0, i == 0);
    ASSERT_TRUE(TraceRecords::submission_ended(rec, end));
    apart(100 + i, b, analysed, end);
  }
  const TraceEvents e = r.take();
  ASSERT_EQ(e.activities.size(), 16u);
  std::map<std::tuple<Activity, bool, EventTime>, int> told;
  for (const auto& a : activities_of(e)) ++told[a];
  for (const auto& [a, n] : told) EXPECT_EQ(n, 2) << std::get<2>(a);  // each time once folded, once apart
  std::map<std::uint64_t, EventTime> submitted;
  for (const auto& s : e.submitted) submitted[s.task_id] = s.time;
  ASSERT_EQ(submitted.size(), 4u);
  EXPECT_EQ(submitted[9], submitted[100]);
  EXPECT_EQ(submitted[std::uint64_t{1} << 32], submitted[101]);
}

// TraceRecords::submitted() (a trace with other observers) writes the same compact record.
TEST(TraceRecorder, ASubmissionToldWithItsDependenciesKeepsItsBeginAndEndInItsRecord) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  const Dependency deps[] = {{8, 40, 5}};
  TraceRecorder one(1000);
  TraceRecord* r = one.direct_records()->submitted(9, type, true, deps, 100, 130, false);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->kind, static_cast<std::uint8_t>(RecordKind::submitted));
  EXPECT_TRUE(TraceRecords::submission_ended(r, 130));  // (it ends with its analysis)
  const TraceEvents a = one.take(), b = written_apart({9, 100, 130}, type);
  EXPECT_EQ(activities_of(a), activities_of(b));
  ASSERT_EQ(a.submitted.size(), 1u);
  EXPECT_EQ(a.submitted[0].task_id, 9u);
}

// A submission written as its analysis goes (TraceRecords::open_submission) whose edge was
// refused stays withdrawn: the registry writes no more of it and it is never completed
// (here left so by hand: a real refusal spends the thread's budget for good). Its edges are
// skipped, and a later submission on the same thread keeps its own.
TEST(TraceRecorder, AWithdrawnSubmissionsEdgesAreSkippedAndALaterOnesKept) {
  static const compss::detail::TaskSpec spec{.name = "s"};
  const auto type = reinterpret_cast<std::uintptr_t>(&spec);
  TraceRecorder r(1000);
  TraceRecords& records = *r.direct_records();
  const Dependency first[] = {{1, 10, 1}};
  records.submitted(5, type, true, first, 0, 100, false);
  TraceBuffer* buffer = records.buffer();
  ASSERT_NE(buffer, nullptr);
  TraceRecord* open = TraceRecords::open_submission(*buffer, 2);
  ASSERT_NE(open, nullptr);
  ASSERT_TRUE(TraceRecords::edge(*buffer, Dependency{2, 20, 1}));  // (then the next one refused)
  const Dependency later[] = {{3, 30, 2}, {4, 31, 3}};
  records.submitted(7, type, true, later, 101, 102, false);
  const TraceEvents e = r.take();
  std::vector<std::uint64_t> submitted;
  for (const auto& s : e.submitted) submitted.push_back(s.task_id);
  EXPECT_EQ(submitted, (std::vector<std::uint64_t>{5, 7}));
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> waited;
  for (const Dependency& d : e.dependency_of) waited.emplace_back(d.task_id, d.data_id, d.version);
  EXPECT_EQ(waited, (std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>{
                        {1, 10, 1}, {3, 30, 2}, {4, 31, 3}}));
  EXPECT_EQ(e.dependency_task, (std::vector<std::uint64_t>{5, 7, 7}));
}

// A submission's edges are written under the registry's lock: open_submission(), before
// it, makes room for the usual ones (one a parameter, and a begun record in case), so that they
// never map a chunk there. Past the budget it counts nothing itself.
TEST(TraceRecorder, OpeningASubmissionMakesRoomForItsEdgesBeforeTheyAreWritten) {
  TraceRecorder r(3 * TraceBuffer::chunk_records);
  TraceRecords& records = *r.direct_records();
  TraceBuffer* buffer = records.buffer();
  ASSERT_NE(buffer, nullptr);
  for (std::uint32_t i = 0; i + 3 < TraceBuffer::chunk_records; ++i) records.ready(i + 1, 1, false);  // 3 left
  ASSERT_EQ(buffer->bytes(), TraceBuffer::chunk_records * sizeof(TraceRecord));
  TraceRecord* open = TraceRecords::open_submission(*buffer, 4);
  ASSERT_NE(open, nullptr);
  const std::uint64_t opened = buffer->bytes();
  EXPECT_EQ(opened, 2 * TraceBuffer::chunk_records * sizeof(TraceRecord));  // (mapped here)
  for (std::uint64_t p = 0; p < 4; ++p) ASSERT_TRUE(TraceRecords::edge(*buffer, Dependency{p + 1, 9, 1}));
  TraceRecords::close_submission(open, *buffer, 99, 1, 10, 11, false, false);
  EXPECT_EQ(buffer->bytes(), opened);  // (nothing mapped since)

  TraceRecorder small(4);  // one chunk of 4: room for 5 cannot be made, nor is it counted
  TraceBuffer* tight = small.direct_records()->buffer();
  ASSERT_NE(tight, nullptr);
  tight->ensure(5);
  EXPECT_EQ(tight->dropped(), 0u);
}
