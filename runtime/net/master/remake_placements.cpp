#include "net/master/remake_placements.hpp"

namespace compss::net {

void RemakePlacements::open(const void* handle) {
  std::lock_guard lock(mutex_);
  if (waiting_.try_emplace(handle).second) open_.fetch_add(1, std::memory_order_relaxed);
}

bool RemakePlacements::is_remake(const void* handle) const {
  // (open() happens before the submit that can place it, on the same thread: an ordinary
  // task's handle never meets a count raised for it.)
  if (open_.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard lock(mutex_);
  return waiting_.count(handle) != 0;
}

bool RemakePlacements::placed(const void* handle, const Placed& where) {
  return update(handle, [&](Waiting& w) { w.placed = where; });
}

bool RemakePlacements::stranded(const void* handle) {
  return update(handle, [](Waiting& w) { w.stranded = true; });
}

template <class F>
bool RemakePlacements::update(const void* handle, F&& change) {
  if (open_.load(std::memory_order_relaxed) == 0) return false;
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find(handle);
    if (it == waiting_.end()) return false;
    change(it->second);
  }
  changed_.notify_all();
  return true;
}

std::optional<RemakePlacements::Placed> RemakePlacements::wait(const void* handle) {
  std::unique_lock lock(mutex_);
  auto it = waiting_.find(handle);
  if (it == waiting_.end()) return std::nullopt;
  changed_.wait(lock, [&] { return it->second.placed.has_value() || it->second.stranded; });
  return it->second.placed;
}

std::optional<RemakePlacements::Placed> RemakePlacements::where(const void* handle) const {
  std::lock_guard lock(mutex_);
  auto it = waiting_.find(handle);
  return it == waiting_.end() ? std::nullopt : it->second.placed;
}

void RemakePlacements::close(const void* handle) {
  std::lock_guard lock(mutex_);
  if (waiting_.erase(handle) != 0) open_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace compss::net
