// WorkerStore: the versions a worker keeps between tasks, and DataRelease's ranges.
#include "net/worker_store.hpp"
#include "net/message.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace compss::net;

namespace {
std::vector<std::byte> bytes_of(std::size_t n, int fill) {
  return std::vector<std::byte>(n, static_cast<std::byte>(fill));
}
}  // namespace

TEST(NetStore, PutGetReplace) {
  WorkerStore store;
  EXPECT_EQ(store.get(1, 1), nullptr);
  store.put(1, 1, bytes_of(3, 7));
  ASSERT_NE(store.get(1, 1), nullptr);
  EXPECT_EQ(store.get(1, 1)->to_bytes(), bytes_of(3, 7));
  EXPECT_EQ(store.get(1, 2), nullptr);
  EXPECT_EQ(store.get(2, 1), nullptr);
  store.put(1, 1, bytes_of(5, 8));  // same version again: replaced, bytes recounted
  EXPECT_EQ(store.get(1, 1)->to_bytes(), bytes_of(5, 8));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.bytes(), 5u);
}

// A task's output under a number the store holds as a copy (sent or fetched: the recorded
// value) is a late attempt's (one the master gave up on): the copy stays. Before, the
// late output replaced it and readers here read it.
TEST(NetStore, AnOutputNeverReplacesACopyOfTheSameVersion) {
  WorkerStore store;
  store.put(1, 4, bytes_of(3, 7), WorkerStore::copy);
  EXPECT_EQ(store.put(1, 4, bytes_of(5, 8))->to_bytes(), bytes_of(3, 7));
  EXPECT_EQ(store.get(1, 4)->to_bytes(), bytes_of(3, 7));
  EXPECT_EQ(store.bytes(), 3u);
  store.put(1, 5, bytes_of(2, 1));
  store.put(1, 5, bytes_of(4, 2));  // an output over an output: replaced (last wins)
  EXPECT_EQ(store.get(1, 5)->to_bytes(), bytes_of(4, 2));
  store.put(1, 5, bytes_of(6, 3), WorkerStore::copy);  // a copy over an output: replaced
  EXPECT_EQ(store.get(1, 5)->to_bytes(), bytes_of(6, 3));
}

TEST(NetStore, ReleaseDropsVersionsUpToTheGivenOneOfThatDatumOnly) {
  WorkerStore store;
  for (std::uint64_t v = 1; v <= 4; ++v) store.put(7, v, bytes_of(10, 1));
  store.put(6, 9, bytes_of(1, 1));
  store.put(8, 0, bytes_of(1, 1));
  EXPECT_EQ(store.release(7, 2), 2u);
  EXPECT_EQ(store.get(7, 1), nullptr);
  EXPECT_EQ(store.get(7, 2), nullptr);
  EXPECT_NE(store.get(7, 3), nullptr);
  EXPECT_NE(store.get(6, 9), nullptr);  // neighbours in key order are untouched
  EXPECT_NE(store.get(8, 0), nullptr);
  EXPECT_EQ(store.release(7, DataRelease::all_versions), 2u);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.bytes(), 2u);
  EXPECT_EQ(store.release(42, 1), 0u);
}

// DataRelease::from_version: one version alone (an unrecorded replica output beside the
// datum's current version, which stays).
TEST(NetStore, ReleaseFromAVersionDropsOnlyThatRange) {
  WorkerStore store;
  for (std::uint64_t v = 1; v <= 4; ++v) store.put(7, v, bytes_of(10, 1));
  EXPECT_EQ(store.release(7, 3, 3), 1u);
  EXPECT_NE(store.get(7, 2), nullptr);
  EXPECT_EQ(store.get(7, 3), nullptr);
  EXPECT_NE(store.get(7, 4), nullptr);
  EXPECT_EQ(store.release(7, 1, 2), 0u);  // an empty range
  EXPECT_EQ(store.release(7, DataRelease::all_versions, 2), 2u);
  EXPECT_NE(store.get(7, 1), nullptr);
  EXPECT_EQ(store.size(), 1u);
}

TEST(NetStore, AReaderKeepsItsValueAfterRelease) {
  WorkerStore store;
  store.put(1, 1, bytes_of(4, 9));
  WorkerStore::Value held = store.get(1, 1);
  store.release(1, 1);
  EXPECT_EQ(store.get(1, 1), nullptr);
  EXPECT_EQ(held->to_bytes(), bytes_of(4, 9));
}

TEST(NetStore, ConcurrentWritersAndReleasers) {
  WorkerStore store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&store, t] {
      for (std::uint64_t v = 1; v <= 500; ++v) {
        store.put(static_cast<std::uint64_t>(t), v, bytes_of(8, t));
        (void)store.get(static_cast<std::uint64_t>((t + 1) % 4), v);
        if (v % 100 == 0) store.release(static_cast<std::uint64_t>(t), v - 50);
      }
    });
  }
  for (auto& th : threads) th.join();
  // Each writer keeps versions 451..500 of its own datum.
  EXPECT_EQ(store.size(), 4u * 50u);
  EXPECT_EQ(store.bytes(), 4u * 50u * 8u);
}

// ---- data memory budget: copies dropped, least recently used first --------------------

namespace {
/// A store with a budget whose evictions are collected.
struct BudgetStore {
  explicit BudgetStore(std::uint64_t budget) {
    store.set_budget(budget, [this](std::vector<WorkerStore::StoreKey> keys) {
      dropped.insert(dropped.end(), keys.begin(), keys.end());
    });
  }
  WorkerStore store;
  std::vector<WorkerStore::StoreKey> dropped;
};
}  // namespace

TEST(NetStore, OverBudgetTheLeastRecentlyUsedCopiesAreDroppedAndTold) {
  BudgetStore b(30);
  b.store.put(1, 1, bytes_of(10, 1), WorkerStore::copy);
  b.store.put(2, 1, bytes_of(10, 2), WorkerStore::copy);
  b.store.put(3, 1, bytes_of(10, 3), WorkerStore::copy);
  EXPECT_TRUE(b.dropped.empty());  // exactly at the budget: nothing dropped
  ASSERT_NE(b.store.get(1, 1), nullptr);  // used: 2 is now the least recently used
  b.store.put(4, 1, bytes_of(10, 4), WorkerStore::copy);
  EXPECT_EQ(b.dropped, (std::vector<WorkerStore::StoreKey>{{2, 1}}));
  EXPECT_EQ(b.store.get(2, 1), nullptr);
  EXPECT_NE(b.store.get(1, 1), nullptr);
  EXPECT_EQ(b.store.bytes(), 30u);
  const WorkerStore::Stats s = b.store.stats();
  EXPECT_EQ(s.evicted, 1u);
  EXPECT_EQ(s.evicted_bytes, 10u);
  EXPECT_EQ(s.peak_bytes, 40u);  // (the put before its eviction)
}

TEST(NetStore, VersionsMadeHereAreNeverDroppedEvenOverBudget) {
  BudgetStore b(15);
  b.store.put(1, 1, bytes_of(10, 1));  // made here (a task's output): maybe its only copy
  b.store.put(2, 1, bytes_of(10, 2));
  EXPECT_TRUE(b.dropped.empty());
  EXPECT_EQ(b.store.bytes(), 20u);
  b.store.put(3, 1, bytes_of(10, 3), WorkerStore::copy);  // the only copy it may drop
  EXPECT_EQ(b.dropped, (std::vector<WorkerStore::StoreKey>{{3, 1}}));
  EXPECT_NE(b.store.get(1, 1), nullptr);
  EXPECT_NE(b.store.get(2, 1), nullptr);
  EXPECT_EQ(b.store.stats().peak_made_here, 20u);
  // A copy stored again as made here (a remake here) is made here from then on.
  b.store.put(4, 1, bytes_of(5, 4), WorkerStore::copy);
  b.store.put(4, 1, bytes_of(5, 4));
  b.store.put(5, 1, bytes_of(5, 5), WorkerStore::copy);
  EXPECT_NE(b.store.get(4, 1), nullptr);
}

// Over budget with only what it made (and pinned copies), a store and an unpin cost no
// walk of the store: it returns at once (a worker whose outputs exceed its budget stores
// many values). A copy that may go is still dropped.
TEST(NetStore, OverBudgetWithNothingToDropTheStoreIsNotWalked) {
  BudgetStore b(10);
  for (std::uint64_t id = 1; id <= 20; ++id) b.store.put(id, 1, bytes_of(10, 1));  // made here
  {
    RequestPins pins(&b.store, {{30, 1}});
    b.store.put(30, 1, bytes_of(10, 3), WorkerStore::copy);  // pinned: stays
  }  // unpinned: may go now
  EXPECT_EQ(b.dropped, (std::vector<WorkerStore::StoreKey>{{30, 1}}));
  for (std::uint64_t id = 1; id <= 20; ++id) {  // replaced, still made here
    b.store.put(id, 1, bytes_of(10, 2));
    RequestPins pins(&b.store, {{id, 1}});
  }
  EXPECT_EQ(b.store.stats().eviction_walks, 1u);  // the unpin of copy 30 alone
  b.store.put(40, 1, bytes_of(5, 4), WorkerStore::copy);
  b.store.release(40, 1);
  b.store.put(41, 1, bytes_of(5, 4), WorkerStore::copy);  // dropped at once
  EXPECT_EQ(b.dropped.back(), (WorkerStore::StoreKey{41, 1}));
  EXPECT_EQ(b.store.bytes(), 200u);
}

TEST(NetStore, APinnedCopyStaysUntilItsTaskEndsThenGoes) {
  BudgetStore b(10);
  {
    RequestPins pins(&b.store, {{1, 1}, {2, 1}});  // a task reads both (fetched later)
    b.store.put(1, 1, bytes_of(10, 1), WorkerStore::copy);
    b.store.put(2, 1, bytes_of(10, 2), WorkerStore::copy);
    EXPECT_TRUE(b.dropped.empty());  // over budget, but the running task reads them
    EXPECT_EQ(b.store.bytes(), 20u);
  }
  // Its answer was sent: both may go now, the least recently used first, until within.
  EXPECT_EQ(b.dropped, (std::vector<WorkerStore::StoreKey>{{1, 1}}));
  EXPECT_EQ(b.store.bytes(), 10u);
}

TEST(NetStore, WithoutABudgetNothingIsDropped) {
  BudgetStore b(0);
  for (std::uint64_t id = 1; id <= 50; ++id) b.store.put(id, 1, bytes_of(100, 1), WorkerStore::copy);
  EXPECT_TRUE(b.dropped.empty());
  EXPECT_EQ(b.store.size(), 50u);
}

TEST(NetStore, ReleasedVersionsLeaveTheBudgetsCount) {
  BudgetStore b(20);
  b.store.put(1, 1, bytes_of(10, 1));
  b.store.put(2, 1, bytes_of(10, 2), WorkerStore::copy);
  b.store.release(1, 1);
  b.store.put(3, 1, bytes_of(10, 3), WorkerStore::copy);  // 20: within
  EXPECT_TRUE(b.dropped.empty());
}
