// Binding tasks to cores and GPUs (runtime/local/task_binding.hpp): a node's ids given
// disjointly to tasks running at once and freed when they end, what compss::this_task
// says inside a binding, and the thread pinned to the cores' CPUs then restored.
#include "local/task_binding.hpp"

#include <compss/this_task.hpp>

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <thread>
#include <vector>

using compss::rt::BoundIds;
using compss::rt::NodeIdPool;
using compss::rt::TaskBindingScope;

namespace {
std::vector<std::uint32_t> ids(std::initializer_list<std::uint32_t> l) { return l; }

/// The CPUs this thread may run on now.
std::vector<std::uint32_t> thread_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(::pthread_getaffinity_np(::pthread_self(), sizeof set, &set), 0);
  std::vector<std::uint32_t> out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) out.push_back(static_cast<std::uint32_t>(c));
  }
  return out;
}
}  // namespace

TEST(NodeIdPool, GivesTheLowestFreeIdsAndTakesThemBack) {
  NodeIdPool pool(4, 2);
  BoundIds a = pool.take(2, 1);
  BoundIds b = pool.take(2, 1);
  EXPECT_EQ(a.cpus, ids({0, 1}));
  EXPECT_EQ(a.gpus, ids({0}));
  EXPECT_EQ(b.cpus, ids({2, 3}));
  EXPECT_EQ(b.gpus, ids({1}));
  pool.give_back(a);
  BoundIds c = pool.take(1, 0);
  EXPECT_EQ(c.cpus, ids({0}));
  EXPECT_TRUE(c.gpus.empty());
  BoundIds d = pool.take(1, 1);
  EXPECT_EQ(d.cpus, ids({1}));
  EXPECT_EQ(d.gpus, ids({0}));
}

TEST(NodeIdPool, NoGpuDeclaredNamesNone) {
  NodeIdPool pool(2, 0);
  EXPECT_TRUE(pool.take(1, 1).gpus.empty());
}

TEST(NodeIdPool, MoreThanFreeSharesTheLeastHeldNeverBlocks) {
  // (A timed-out body still holds its cores while the master reuses them.)
  NodeIdPool pool(3, 0);
  BoundIds stuck = pool.take(2, 0);
  BoundIds next = pool.take(2, 0);
  EXPECT_EQ(next.cpus, ids({0, 2}));  // 2 was free; 0 is the lowest of the held ones
  EXPECT_EQ(pool.take(5, 0).cpus.size(), 3u);  // never more than the node has
  pool.give_back(stuck);
}

TEST(NodeIdPool, ResizeKeepsHeldIds) {
  NodeIdPool pool(1, 0);
  BoundIds a = pool.take(1, 0);
  pool.resize(3, 1);
  EXPECT_EQ(pool.take(2, 1).cpus, ids({1, 2}));
  pool.give_back(a);
  EXPECT_EQ(pool.take(1, 0).cpus, ids({0}));
}

TEST(NodeIdPool, ConcurrentTasksNeverShareAnId) {
  // 4 threads each holding 2 of 8 cores and 1 of 4 GPUs at a time: what one holds nobody
  // else holds meanwhile (counted per id), and everything is free at the end.
  NodeIdPool pool(8, 4);
  std::vector<std::atomic<int>> cpu_holders(8), gpu_holders(4);
  std::atomic<int> shared{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        BoundIds b = pool.take(2, 1);
        for (auto c : b.cpus) if (cpu_holders[c].fetch_add(1) != 0) ++shared;
        for (auto g : b.gpus) if (gpu_holders[g].fetch_add(1) != 0) ++shared;
        if (b.cpus.size() != 2 || b.gpus.size() != 1) ++shared;
        for (auto c : b.cpus) cpu_holders[c].fetch_sub(1);
        for (auto g : b.gpus) gpu_holders[g].fetch_sub(1);
        pool.give_back(b);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(shared.load(), 0);
  EXPECT_EQ(pool.take(8, 4).cpus, ids({0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(TaskBinding, TheBodySeesItsIdsAndRunsOnTheirCpus) {
  const std::vector<std::uint32_t> before = thread_cpus();
  const std::vector<std::uint32_t> cores{1, 2};
  {
    TaskBindingScope bound(2, {cores, {3}});
    EXPECT_EQ(compss::this_task::computing_units(), 2u);
    EXPECT_EQ(compss::this_task::cpus(), cores);
    EXPECT_EQ(compss::this_task::gpus(), ids({3}));
    EXPECT_EQ(thread_cpus(), compss::rt::machine_cpus_of(cores));  // pinned (default on)
    {
      TaskBindingScope inner(1, {{0}, {}});  // a task run inline inside it
      EXPECT_EQ(compss::this_task::cpus(), ids({0}));
      EXPECT_TRUE(compss::this_task::gpus().empty());
      EXPECT_EQ(thread_cpus(), compss::rt::machine_cpus_of({0}));
    }
    EXPECT_EQ(compss::this_task::cpus(), cores);
    EXPECT_EQ(thread_cpus(), compss::rt::machine_cpus_of(cores));
  }
  EXPECT_EQ(thread_cpus(), before);  // restored
  EXPECT_EQ(compss::this_task::computing_units(), 1u);
  EXPECT_TRUE(compss::this_task::gpus().empty());
  EXPECT_EQ(compss::this_task::cpus().size(), before.size());  // unbound: every core
}

TEST(TaskBinding, CoresBeyondTheMachineWrapOntoItsCpus) {
  const std::vector<std::uint32_t> usable = thread_cpus();
  const auto n = static_cast<std::uint32_t>(usable.size());
  EXPECT_EQ(compss::rt::machine_cpus_of({0}), ids({usable[0]}));
  EXPECT_EQ(compss::rt::machine_cpus_of({n}), ids({usable[0]}));  // core n is CPU 0 again
  EXPECT_EQ(compss::rt::machine_cpus_of({n - 1, 2 * n - 1}), ids({usable[n - 1]}));
}
