// The runtime's state of a task (runtime/core/task_state.hpp) lives in the opaque
// TaskHeader of the public TaskBase: generated code sees none of it, the runtime reaches it
// through rt::task_state, and its lifetime is the task's.
#include "core/graph.hpp"
#include "core/task_state.hpp"

#include <compss/detail/task_node.hpp>

#include <gtest/gtest.h>

using compss::detail::TaskBase;
using compss::rt::TaskState;
using compss::rt::task_state;

namespace {

// What compss-cc's output can reach of a task: none of the runtime's bookkeeping.
template <class T>
concept exposes_runtime_state =
    requires(T& t) { t.refs; } || requires(T& t) { t.pending; } || requires(T& t) { t.state; } ||
    requires(T& t) { t.succ_count; } || requires(T& t) { t.succ_inline; } ||
    requires(T& t) { t.attempts; } || requires(T& t) { t.group; } || requires(T& t) { t.stop; } ||
    requires(T& t) { t.node; } || requires(T& t) { t.globals; } || requires(T& t) { t.exclusive; } ||
    requires(T& t) { t.add_ref(); } || requires(T& t) { t.release_ref(); };
static_assert(!exposes_runtime_state<TaskBase>, "runtime state is back in the public TaskBase");

/// Sets a flag when deleted.
struct CountedTask final : TaskBase {
  explicit CountedTask(bool& deleted) : deleted_(deleted) {}
  ~CountedTask() override { deleted_ = true; }
  void run() override {}
  bool& deleted_;
};

}  // namespace

TEST(TaskState, AFreshTaskIsSubmittedWithOneReferenceAndTheSubmissionGuard) {
  bool deleted = false;
  auto* t = new CountedTask(deleted);
  const TaskState& s = task_state(*t);
  EXPECT_EQ(s.refs.load(), 1);
  EXPECT_EQ(s.pending.load(), 1);
  EXPECT_FALSE(compss::rt::is_finished(t));
  EXPECT_EQ(t->id(), 0u);
  EXPECT_EQ(s.node.load(), -1);
  EXPECT_EQ(s.attempts, 0);
  EXPECT_FALSE(s.stream_task);
  compss::rt::release_ref(t);
  EXPECT_TRUE(deleted);
}

TEST(TaskState, TheLastReferenceDeletesTheTask) {
  bool deleted = false;
  auto* t = new CountedTask(deleted);
  compss::rt::add_ref(t);
  compss::rt::release_ref(t);
  EXPECT_FALSE(deleted);
  compss::rt::release_ref(t);
  EXPECT_TRUE(deleted);
}

TEST(TaskState, SuccessorsBeyondTheInlineOnesAreKeptAndCountedAsPending) {
  bool deleted = false;
  CountedTask pred(deleted);
  std::vector<std::unique_ptr<CountedTask>> succs;
  bool ignored = false;
  for (std::uint32_t i = 0; i < TaskState::inline_successors + 3; ++i) {
    succs.push_back(std::make_unique<CountedTask>(ignored));
    EXPECT_TRUE(compss::rt::add_edge(&pred, succs.back().get()));
  }
  EXPECT_TRUE(compss::rt::add_edge(&pred, succs.back().get()));  // the same edge again: kept once
  EXPECT_EQ(task_state(succs.back().get()).pending.load(), 2);
  compss::rt::SuccessorList list = compss::rt::take_successors(&pred);
  std::vector<TaskBase*> seen;
  list.for_each([&](TaskBase* s) { seen.push_back(s); });
  delete list.rest;
  ASSERT_EQ(seen.size(), succs.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], succs[i].get());
  EXPECT_FALSE(compss::rt::add_edge(&pred, succs[0].get()));  // done: no successor added
  compss::rt::mark_finished(&pred);
  EXPECT_TRUE(compss::rt::is_finished(&pred));
}
