#include "net/worker_store.hpp"

namespace compss::net {

void WorkerStore::put(std::uint64_t data_id, std::uint64_t version, std::vector<std::byte> bytes) {
  auto value = std::make_shared<const std::vector<std::byte>>(std::move(bytes));
  std::lock_guard lock(mutex_);
  Bytes& slot = values_[{data_id, version}];
  if (slot) bytes_ -= slot->size();
  bytes_ += value->size();
  slot = std::move(value);
}

WorkerStore::Bytes WorkerStore::get(std::uint64_t data_id, std::uint64_t version) const {
  std::lock_guard lock(mutex_);
  auto it = values_.find({data_id, version});
  return it == values_.end() ? nullptr : it->second;
}

std::size_t WorkerStore::release(std::uint64_t data_id, std::uint64_t up_to_version) {
  std::lock_guard lock(mutex_);
  // Keys are ordered by (id, version): the versions to drop are one contiguous range.
  auto first = values_.lower_bound({data_id, 0});
  auto last = values_.upper_bound({data_id, up_to_version});
  std::size_t dropped = 0;
  for (auto it = first; it != last; ++it, ++dropped) bytes_ -= it->second->size();
  values_.erase(first, last);
  return dropped;
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
