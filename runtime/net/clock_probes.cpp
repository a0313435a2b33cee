#include "net/clock_probes.hpp"

#include "core/events.hpp"

namespace compss::net {

void ClockProbes::probe(WorkerLink& link) {
  if (!link.alive()) return;
  // The time is read last, just before the write: a later write only widens the bound.
  ClockProbe p;
  p.record_events = true;
  p.master_ns = rt::event_now();
  link.send_note(p);
}

void ClockProbes::probe_all() {
  const std::size_t nodes = nodes_.load(std::memory_order_acquire);
  for (std::size_t n = 0; n < nodes && n < links_.size(); ++n) {
    if (links_[n]) probe(*links_[n]);
  }
}

void ClockProbes::start() {
  if (thread_.joinable() || interval_.count() <= 0) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
      lock.unlock();
      probe_all();
      lock.lock();
    }
  });
}

void ClockProbes::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace compss::net
