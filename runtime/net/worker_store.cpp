#include "net/worker_store.hpp"

#include <utility>

namespace compss::net {

WorkerStore::Value WorkerStore::put(std::uint64_t data_id, std::uint64_t version,
                                    std::vector<std::byte> bytes) {
  return put(data_id, version, std::make_shared<const detail::BytesValue>(std::move(bytes)));
}

WorkerStore::Value WorkerStore::put(std::uint64_t data_id, std::uint64_t version, Value value) {
  const std::uint64_t size = value->size();
  Value replaced;  // freed after the lock is released: a large free is not instant
  std::lock_guard lock(mutex_);
  Value& slot = values_[{data_id, version}];
  if (slot) bytes_ -= slot->size();
  bytes_ += size;
  replaced = std::exchange(slot, value);
  return value;
}

WorkerStore::Value WorkerStore::get(std::uint64_t data_id, std::uint64_t version) const {
  std::lock_guard lock(mutex_);
  auto it = values_.find({data_id, version});
  return it == values_.end() ? nullptr : it->second;
}

std::size_t WorkerStore::release(std::uint64_t data_id, std::uint64_t up_to_version) {
  std::vector<Value> dropped;  // freed after the lock is released: a large free is not instant
  std::lock_guard lock(mutex_);
  // Keys are ordered by (id, version): the versions to drop are one contiguous range.
  auto first = values_.lower_bound({data_id, 0});
  auto last = values_.upper_bound({data_id, up_to_version});
  for (auto it = first; it != last; ++it) {
    bytes_ -= it->second->size();
    dropped.push_back(std::move(it->second));
  }
  values_.erase(first, last);
  return dropped.size();
}

std::size_t WorkerStore::size() const {
  std::lock_guard lock(mutex_);
  return values_.size();
}

std::uint64_t WorkerStore::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace compss::net
