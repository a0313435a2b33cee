#include "net/worker_store.hpp"

#include <algorithm>
#include <utility>

namespace compss::net {

WorkerStore::Value WorkerStore::put(std::uint64_t data_id, std::uint64_t version,
                                    std::vector<std::byte> bytes, Origin origin) {
  return put(data_id, version, std::make_shared<const detail::BytesValue>(std::move(bytes)), origin);
}

WorkerStore::Value WorkerStore::put(std::uint64_t data_id, std::uint64_t version, Value value,
                                    Origin origin) {
  const std::uint64_t size = value->size();
  std::vector<Value> freed;  // freed after the lock is released: a large free is not instant
  std::vector<StoreKey> dropped;
  {
    std::lock_guard lock(mutex_);
    const StoreKey key{data_id, version};
    Entry& slot = values_[key];
    const bool pinned = pins_.contains(key);
    if (slot.value && slot.origin == copy && origin == made_here) {
      // A task's output under a version held here as a copy (sent by the master or fetched
      // from the holder it named): the copy is the version's recorded value, and this
      // output a late one (an attempt the master gave up on), never to be read.
      slot.last_use = ++use_clock_;
      return slot.value;
    }
    if (slot.value) {
      bytes_ -= slot.value->size();
      if (slot.origin == made_here) made_here_bytes_ -= slot.value->size();
      if (slot.origin == copy && !pinned) droppable_bytes_ -= slot.value->size();
      if (slot.origin == made_here) origin = made_here;  // (the same version: still made here)
      freed.push_back(std::exchange(slot.value, value));
    } else {
      slot.value = value;
    }
    slot.origin = origin;
    slot.last_use = ++use_clock_;
    bytes_ += size;
    if (origin == made_here) made_here_bytes_ += size;
    if (origin == copy && !pinned) droppable_bytes_ += size;
    stats_.peak_bytes = std::max(stats_.peak_bytes, bytes_);
    stats_.peak_made_here = std::max(stats_.peak_made_here, made_here_bytes_);
    dropped = evict_over_budget(freed);
  }
  tell(std::move(dropped));
  return value;
}

WorkerStore::Value WorkerStore::get(std::uint64_t data_id, std::uint64_t version) const {
  std::lock_guard lock(mutex_);
  auto it = values_.find({data_id, version});
  if (it == values_.end()) return nullptr;
  it->second.last_use = ++use_clock_;
  return it->second.value;
}

std::size_t WorkerStore::release(std::uint64_t data_id, std::uint64_t up_to_version,
                                 std::uint64_t from_version) {
  std::vector<Value> dropped;  // freed after the lock is released: a large free is not instant
  std::lock_guard lock(mutex_);
  // Keys are ordered by (id, version): the versions to drop are one contiguous range.
  if (from_version > up_to_version) return 0;
  auto first = values_.lower_bound({data_id, from_version});
  auto last = values_.upper_bound({data_id, up_to_version});
  for (auto it = first; it != last; ++it) {
    bytes_ -= it->second.value->size();
    if (it->second.origin == made_here) made_here_bytes_ -= it->second.value->size();
    if (it->second.origin == copy && !pins_.contains(it->first)) {
      droppable_bytes_ -= it->second.value->size();
    }
    dropped.push_back(std::move(it->second.value));
  }
  values_.erase(first, last);
  return dropped.size();
}

void WorkerStore::set_budget(std::uint64_t bytes, EvictionListener listener) {
  std::lock_guard lock(mutex_);
  stats_.budget = bytes;
  listener_ = std::move(listener);
}

void WorkerStore::pin(std::uint64_t data_id, std::uint64_t version) {
  std::lock_guard lock(mutex_);
  if (++pins_[{data_id, version}] == 1) droppable_bytes_ -= copy_bytes({data_id, version});
}

std::uint64_t WorkerStore::copy_bytes(const StoreKey& key) const {
  auto it = values_.find(key);
  return it != values_.end() && it->second.origin == copy ? it->second.value->size() : 0;
}

void WorkerStore::unpin(std::uint64_t data_id, std::uint64_t version) {
  std::vector<Value> freed;
  std::vector<StoreKey> dropped;
  {
    std::lock_guard lock(mutex_);
    auto it = pins_.find({data_id, version});
    if (it == pins_.end()) return;
    if (--it->second == 0) {
      pins_.erase(it);
      droppable_bytes_ += copy_bytes({data_id, version});
    }
    dropped = evict_over_budget(freed);
  }
  tell(std::move(dropped));
}

std::vector<WorkerStore::StoreKey> WorkerStore::evict_over_budget(std::vector<Value>& freed) {
  std::vector<StoreKey> dropped;
  if (stats_.budget == 0 || bytes_ <= stats_.budget) return dropped;
  // Over budget with nothing droppable (what it made, pinned inputs) is common on a
  // worker whose own outputs exceed its budget: no walk on every store and unpin then.
  if (droppable_bytes_ == 0) return dropped;
  ++stats_.eviction_walks;
  std::vector<std::pair<std::uint64_t, StoreKey>> candidates;  // (last use, key)
  for (const auto& [key, entry] : values_) {
    if (entry.origin == copy && !pins_.contains(key)) candidates.push_back({entry.last_use, key});
  }
  std::sort(candidates.begin(), candidates.end());  // least recently used first
  for (const auto& [use, key] : candidates) {
    if (bytes_ <= stats_.budget) break;
    auto it = values_.find(key);
    const std::uint64_t size = it->second.value->size();
    bytes_ -= size;
    droppable_bytes_ -= size;
    ++stats_.evicted;
    stats_.evicted_bytes += size;
    freed.push_back(std::move(it->second.value));
    values_.erase(it);
    dropped.push_back(key);
  }
  return dropped;
}

void WorkerStore::tell(std::vector<StoreKey> dropped) const {
  if (dropped.empty()) return;
  EvictionListener listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) listener(std::move(dropped));
}

std::size_t WorkerStore::size() const {
  std::lock_guard lock(mutex_);
  return values_.size();
}

std::uint64_t WorkerStore::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

WorkerStore::Stats WorkerStore::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

RequestPins::RequestPins(WorkerStore* store, std::vector<WorkerStore::StoreKey> keys)
    : store_(store), keys_(std::move(keys)) {
  if (store_ == nullptr) return;
  for (const auto& [id, v] : keys_) store_->pin(id, v);
}

RequestPins::~RequestPins() {
  if (store_ == nullptr) return;
  for (const auto& [id, v] : keys_) store_->unpin(id, v);
}

}  // namespace compss::net
