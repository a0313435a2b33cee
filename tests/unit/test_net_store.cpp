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
