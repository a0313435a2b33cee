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

void RemakePlacements::node_lost() {
  {
    std::lock_guard lock(mutex_);
    ++losses_;
  }
  changed_.notify_all();
}

std::uint64_t RemakePlacements::losses() const {
  std::lock_guard lock(mutex_);
  return losses_;
}

std::optional<RemakePlacements::Placed> RemakePlacements::wait(const void* handle, std::uint64_t seen,
                                                               const std::function<void()>& on_loss) {
  std::unique_lock lock(mutex_);
  auto it = waiting_.find(handle);
  if (it == waiting_.end()) return std::nullopt;
  Waiting& w = it->second;  // (a reference stays valid when other opens rehash the map)
  for (;;) {
    changed_.wait(lock, [&] { return w.placed.has_value() || w.stranded || (on_loss && losses_ != seen); });
    if (w.placed.has_value() || w.stranded) return w.placed;
    seen = losses_;
    lock.unlock();
    on_loss();
    lock.lock();
  }
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
