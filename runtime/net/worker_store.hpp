// WorkerStore: the data versions a worker keeps between tasks, within a data memory budget
// (docs/distributed.md, "Data memory of a worker").
#pragma once

#include <compss/detail/held_value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace compss::net {

/// Held values (objects or bytes, compss/detail/held_value.hpp) by (data id, version).
/// Thread-safe: task threads store outputs while the receive loop and the peer data
/// listener answer fetches. Values are shared and immutable, so a reader keeps its value
/// alive while a DataRelease (or an eviction) drops the entry.
///
/// Budget and eviction: a version is either `made_here` (a task on this worker wrote it:
/// often its only copy) or a `copy` (sent inline by the master, or fetched from a peer:
/// another node holds it). Over its budget, the store drops copies, least recently used
/// first, never one that is pinned (a task taken on this worker reads it) and never a
/// version made here; the listener is then told which (the worker tells the master, whose
/// directory stops naming this worker as their holder). Versions made here and pinned ones
/// may keep it over budget.
///
///   WorkerStore store;
///   store.set_budget(512 << 20, [&](std::vector<StoreKey> dropped) { tell_master(dropped); });
///   store.put(4, 2, detail::hold_object(x));              // a task's output
///   store.put(5, 1, std::move(bytes), WorkerStore::copy);  // a fetched input
///   if (WorkerStore::Value v = store.get(4, 2)) use(v->as<X>());
///   store.release(4, 2);  // drops versions 1 and 2 of datum 4
class WorkerStore {
 public:
  using Value = std::shared_ptr<const detail::HeldValue>;
  /// (data id, version)
  using StoreKey = std::pair<std::uint64_t, std::uint64_t>;
  using EvictionListener = std::function<void(std::vector<StoreKey> dropped)>;

  /// Where a stored version came from (what eviction may drop).
  enum Origin : std::uint8_t { made_here, copy };

  /// What the store held over the run (for the worker's last line and tests).
  struct Stats {
    std::uint64_t budget = 0;          ///< 0: none
    std::uint64_t peak_bytes = 0;      ///< the most it held at once
    std::uint64_t peak_made_here = 0;  ///< the most of it made here (never evicted)
    std::uint64_t evicted = 0;         ///< copies dropped to stay within the budget
    std::uint64_t evicted_bytes = 0;
    /// Times the store was walked for copies to drop: only when over budget with some
    /// droppable (unpinned copies), never for what it made alone.
    std::uint64_t eviction_walks = 0;
  };

  /// Stores (replaces) one version and returns it; over budget, copies are evicted. A
  /// version made here never replaces one held as a `copy`: the copy (the recorded value)
  /// stays and is returned (the output is of an attempt the master gave up on).
  ///
  ///   WorkerStore::Value held = store.put(4, 3, detail::hold_object(std::move(m)));
  Value put(std::uint64_t data_id, std::uint64_t version, Value value, Origin origin = made_here);

  /// Stores (replaces) one version held as bytes, moved in (never copied: pass an rvalue).
  ///
  ///   WorkerStore::Value held = store.put(4, 3, std::move(bytes), WorkerStore::copy);
  Value put(std::uint64_t data_id, std::uint64_t version, std::vector<std::byte> bytes,
            Origin origin = made_here);

  /// One version, or nullptr when this worker does not hold it (a use: it becomes the
  /// most recently used).
  ///
  ///   WorkerStore::Value v = store.get(4, 3);
  Value get(std::uint64_t data_id, std::uint64_t version) const;

  /// Drops every version of `data_id` in [from_version, up_to_version] (~0 as the upper
  /// bound: all from from_version); returns how many versions were dropped.
  ///
  ///   store.release(4, DataRelease::all_versions);
  ///   store.release(4, 3, 3);  // version 3 alone
  std::size_t release(std::uint64_t data_id, std::uint64_t up_to_version,
                      std::uint64_t from_version = 0);

  /// The data memory budget in bytes (0: none) and who is told of evictions (called
  /// without the store's lock, on the thread whose put or unpin evicted). Set before use.
  ///
  ///   store.set_budget(64 << 20, [](std::vector<WorkerStore::StoreKey>) {});
  void set_budget(std::uint64_t bytes, EvictionListener listener);

  /// A task taken here reads version (id, v): it is not evicted until unpinned (as many
  /// unpins as pins). A version may be pinned before it is stored (it is fetched later).
  void pin(std::uint64_t data_id, std::uint64_t version);
  /// Ends one pin; over budget, copies no longer pinned are evicted.
  void unpin(std::uint64_t data_id, std::uint64_t version);

  /// How many versions are held.
  ///
  ///   EXPECT_EQ(store.size(), 0u);
  std::size_t size() const;

  /// Total bytes held (archive form).
  ///
  ///   log("store holds " + std::to_string(store.bytes()) + " bytes");
  std::uint64_t bytes() const;

  Stats stats() const;

 private:
  struct Entry {
    Value value;
    Origin origin = made_here;
    mutable std::uint64_t last_use = 0;  ///< use_clock_ at its last put or get
  };
  /// Drops unpinned copies, least recently used first, until within the budget (lock
  /// held); the dropped values go to `freed` (freed after the lock), their keys returned.
  std::vector<StoreKey> evict_over_budget(std::vector<Value>& freed);
  /// The bytes of `key` when it is a stored copy, else 0 (lock held).
  std::uint64_t copy_bytes(const StoreKey& key) const;
  /// Tells the listener (lock NOT held).
  void tell(std::vector<StoreKey> dropped) const;

  mutable std::mutex mutex_;
  std::map<StoreKey, Entry> values_;
  std::map<StoreKey, std::uint32_t> pins_;
  mutable std::uint64_t use_clock_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t made_here_bytes_ = 0;
  std::uint64_t droppable_bytes_ = 0;  ///< stored copies not pinned: what eviction may drop
  Stats stats_;
  EvictionListener listener_;
};

/// Pins the versions a task request reads for as long as it lives (WorkerStore::pin).
/// Move-only.
///
///   RequestPins pins(store, keys);  // ... run the task, send its answer ...
class RequestPins {
 public:
  RequestPins() = default;
  RequestPins(WorkerStore* store, std::vector<WorkerStore::StoreKey> keys);
  RequestPins(RequestPins&& o) noexcept
      : store_(std::exchange(o.store_, nullptr)), keys_(std::move(o.keys_)) {}
  RequestPins& operator=(RequestPins&&) = delete;
  RequestPins(const RequestPins&) = delete;
  ~RequestPins();

 private:
  WorkerStore* store_ = nullptr;
  std::vector<WorkerStore::StoreKey> keys_;
};

}  // namespace compss::net
