// WorkerStore: the data versions a worker keeps between tasks (docs/distributed.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace compss::net {

/// Serialized values by (data id, version). Thread-safe: task threads store outputs while
/// the receive loop and the peer data listener answer fetches. Values are shared and
/// immutable, so a reader keeps its copy alive while a DataRelease drops the entry.
///
///   WorkerStore store;
///   store.put(4, 2, compss::to_bytes(x));
///   if (auto bytes = store.get(4, 2)) use(*bytes);
///   store.release(4, 2);  // drops versions 1 and 2 of datum 4
class WorkerStore {
 public:
  using Bytes = std::shared_ptr<const std::vector<std::byte>>;

  /// Stores (replaces) one version and returns the stored value. The bytes are moved in,
  /// never copied: pass an rvalue (an lvalue argument is copied into the parameter).
  ///
  ///   WorkerStore::Bytes held = store.put(4, 3, std::move(bytes));
  Bytes put(std::uint64_t data_id, std::uint64_t version, std::vector<std::byte> bytes);

  /// The bytes of one version, or nullptr when this worker does not hold it.
  ///
  ///   WorkerStore::Bytes b = store.get(4, 3);
  Bytes get(std::uint64_t data_id, std::uint64_t version) const;

  /// Drops every version of `data_id` that is <= `up_to_version` (~0 drops all); returns
  /// how many versions were dropped.
  ///
  ///   store.release(4, DataRelease::all_versions);
  std::size_t release(std::uint64_t data_id, std::uint64_t up_to_version);

  /// How many versions are held.
  ///
  ///   EXPECT_EQ(store.size(), 0u);
  std::size_t size() const;

  /// Total bytes held.
  ///
  ///   log("store holds " + std::to_string(store.bytes()) + " bytes");
  std::uint64_t bytes() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Bytes> values_;
  std::uint64_t bytes_ = 0;
};

}  // namespace compss::net
