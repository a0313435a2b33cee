#include "net/worker_event_log.hpp"

namespace compss::net {

void WorkerEventLog::add(const WireEvent& e) noexcept {
  if (!recording()) return;
  std::lock_guard lock(mutex_);
  if (pending_.size() >= max_pending_) {
    ++dropped_;
    return;
  }
  try {
    if (pending_.empty()) {
      oldest_ = std::chrono::steady_clock::now();
      pending_.reserve(batch_size_);
    }
    pending_.push_back(e);
  } catch (...) {  // out of memory: the event is lost, and said to be
    ++dropped_;
  }
}

std::optional<WorkerEvents> WorkerEventLog::take(bool all) {
  if (!recording()) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (pending_.empty() && dropped_ == 0) return std::nullopt;
  const bool due = all || pending_.size() >= batch_size_ ||
                   std::chrono::steady_clock::now() - oldest_ >= max_wait_ ||
                   (pending_.empty() && dropped_ > 0);
  if (!due) return std::nullopt;
  WorkerEvents batch;
  batch.events.swap(pending_);
  batch.dropped = dropped_;
  dropped_ = 0;
  return batch;
}

}  // namespace compss::net
