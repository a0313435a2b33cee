// WorkerStore: the data versions a worker keeps between tasks (docs/distributed.md).
#pragma once

#include <compss/detail/held_value.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace compss::net {

/// Held values (objects or bytes, compss/detail/held_value.hpp) by (data id, version).
/// Thread-safe: task threads store outputs while the receive loop and the peer data
/// listener answer fetches. Values are shared and immutable, so a reader keeps its value
/// alive while a DataRelease drops the entry.
///
///   WorkerStore store;
///   store.put(4, 2, detail::hold_object(x));
///   if (WorkerStore::Value v = store.get(4, 2)) use(v->as<X>());
///   store.release(4, 2);  // drops versions 1 and 2 of datum 4
class WorkerStore {
 public:
  using Value = std::shared_ptr<const detail::HeldValue>;

  /// Stores (replaces) one version and returns it.
  ///
  ///   WorkerStore::Value held = store.put(4, 3, detail::hold_object(std::move(m)));
  Value put(std::uint64_t data_id, std::uint64_t version, Value value);

  /// Stores (replaces) one version held as bytes, moved in (never copied: pass an rvalue).
  ///
  ///   WorkerStore::Value held = store.put(4, 3, std::move(bytes));
  Value put(std::uint64_t data_id, std::uint64_t version, std::vector<std::byte> bytes);

  /// One version, or nullptr when this worker does not hold it.
  ///
  ///   WorkerStore::Value v = store.get(4, 3);
  Value get(std::uint64_t data_id, std::uint64_t version) const;

  /// Drops every version of `data_id` that is <= `up_to_version` (~0 drops all); returns
  /// how many versions were dropped.
  ///
  ///   store.release(4, DataRelease::all_versions);
  std::size_t release(std::uint64_t data_id, std::uint64_t up_to_version);

  /// How many versions are held.
  ///
  ///   EXPECT_EQ(store.size(), 0u);
  std::size_t size() const;

  /// Total bytes held (archive form).
  ///
  ///   log("store holds " + std::to_string(store.bytes()) + " bytes");
  std::uint64_t bytes() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Value> values_;
  std::uint64_t bytes_ = 0;
};

}  // namespace compss::net
