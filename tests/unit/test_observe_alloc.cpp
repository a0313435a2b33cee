// The monitor's observers (the task graph, the summary, the live timeline) take a task's
// events without allocating per task: their maps by task id and by datum version are
// arrays that grow by doubling (observe/task_index.hpp, observe/version_map.hpp), the
// timeline's open and ended bars vectors. Counted, not timed: this binary replaces the
// global operator new to count the allocations of the test's own thread (a separate
// binary, so no other test runs with the replacement). The replacement can also be told
// to fail, to check what the trace recorder keeps when an allocation throws.
#include "observe/live_timeline.hpp"
#include "observe/run_summary.hpp"
#include "observe/task_graph.hpp"
#include "observe/trace_recorder.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>
#include <vector>

namespace {
thread_local std::uint64_t allocations = 0;  // of this thread
thread_local bool fail_allocations = false;  // this thread's operator new throws
}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (fail_allocations) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  if (fail_allocations) return nullptr;
  return std::malloc(size == 0 ? 1 : size);
}
// Every form, so that each delete frees what its new took from malloc (AddressSanitizer's
// own forms, left in place, would report a new/free mismatch).
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return ::operator new(size, tag);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace compss;
using namespace compss::rt::observe;
using detail::Direction;

namespace {

/// Feeds the events of tasks [first, last) of a stencil (each task updates one of 64
/// cells, reading its two neighbours' last versions) to the monitor's three observers.
void stencil_tasks(std::uint64_t first, std::uint64_t last, TaskGraph& graph, RunSummary& summary,
                   LiveTimeline& timeline) {
  constexpr std::uint64_t cells = 64;
  for (std::uint64_t id = first; id < last; ++id) {
    const std::uint64_t cell = id % cells, version = id / cells + 1;
    const rt::DataAccess data[] = {
        {cell + 1, version, Direction::inout, 0},
        {(cell + 1) % cells + 1, version - 1, Direction::in, 0},
        {(cell + cells - 1) % cells + 1, version - 1, Direction::in, 0},
    };
    const rt::EventTime t = static_cast<rt::EventTime>(id) * 1000;
    const rt::TaskSubmitted submitted{id, "update", {}, data, t, {}};
    graph.on_activity({rt::Activity::submission, true, t});
    graph.on_submitted(submitted);
    summary.on_submitted(submitted);
    timeline.on_submitted(submitted);
    graph.on_activity({rt::Activity::submission, false, t});
    graph.on_ready({id, t + 1});
    const rt::TaskStarted started{id, 1, {0, "master", 0}, t + 2};
    graph.on_started(started);
    summary.on_started(started);
    timeline.on_started(started);
    rt::TaskEnded ended{id, rt::TaskOutcome::success, 1, false, t + 3};
    ended.name = "update";
    graph.on_ended(ended);
    summary.on_ended(ended);
    timeline.on_ended(ended);
  }
}

}  // namespace

TEST(MonitorObservers, TakeATasksEventsWithoutAllocatingPerTask) {
  TaskGraph graph;
  RunSummary summary;
  LiveTimeline timeline(0);
  stencil_tasks(1, 3000, graph, summary, timeline);  // (the first growths, the type's name)
  constexpr std::uint64_t tasks = 30000;
  const std::uint64_t before = allocations;
  stencil_tasks(3000, 3000 + tasks, graph, summary, timeline);
  const std::uint64_t made = allocations - before;
  // Growing by doubling: a few dozen in all. A node-based map allocated several per task.
  std::printf("%llu allocations for %llu tasks\n", static_cast<unsigned long long>(made), static_cast<unsigned long long>(tasks));
  EXPECT_LT(made, tasks / 100) << made << " allocations for " << tasks << " tasks";
  // (and the events were taken: the graph has every task and edge, the summary every end)
  EXPECT_EQ(graph.task_count(), 3000 + tasks - 1);
  EXPECT_EQ(summary.report().types.at(0).succeeded, 3000 + tasks - 1);
  EXPECT_EQ(graph.counts().by_state[static_cast<int>(TaskState::done)], 3000 + tasks - 1);
}

// A submit whose type name cannot be interned (the allocation throws) leaves no record
// behind: reserved records left unfilled would read, at take(), as a submit with no spec.
TEST(TraceRecorder, ASubmitThatThrowsLeavesNoRecord) {
  TraceRecorder recorder(1000);
  recorder.on_submitted(rt::TaskSubmitted{1, "a type named at length", {}, {}, 0, {}});
  fail_allocations = true;
  EXPECT_THROW(recorder.on_submitted(rt::TaskSubmitted{2, "another type named at length", {}, {}, 10, {}}),
               std::bad_alloc);
  fail_allocations = false;
  TraceEvents events = recorder.take();
  ASSERT_EQ(events.submitted.size(), 1u);
  EXPECT_EQ(events.submitted[0].task_id, 1u);
  EXPECT_EQ(events.type_names.at(events.submitted[0].type), "a type named at length");
}
