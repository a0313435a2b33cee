#include "core/progress.hpp"

#include <algorithm>

namespace compss::rt {

void ProgressCounter::on_ended(const TaskEnded& e) {
  if (e.will_retry) return;
  ended_.fetch_add(1, std::memory_order_relaxed);
}

ProgressCounts ProgressCounter::counts() const {
  // Read in the reverse order of the events, so a count never exceeds the one before it.
  std::size_t done = ended_.load(std::memory_order_relaxed);
  std::size_t ready = std::max(done, ready_.load(std::memory_order_relaxed));
  std::size_t submitted = std::max(ready, submitted_.load(std::memory_order_relaxed));
  std::size_t running = std::min(ready - done, slots_());
  return ProgressCounts{done, running, submitted - done - running};
}

ProgressLine::ProgressLine(std::function<ProgressCounts()> counts, std::FILE* out,
                           std::chrono::milliseconds period)
    : counts_(std::move(counts)), out_(out), period_(period) {
  thread_ = std::thread([this] { loop(); });
}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  erase_locked();
}

void ProgressLine::set_enabled(bool enabled) {
  {
    std::lock_guard lock(mutex_);
    if (enabled_ == enabled) return;
    enabled_ = enabled;
    if (!enabled) erase_locked();
  }
  wake_.notify_all();
}

std::string ProgressLine::format(const ProgressCounts& c) {
  return "compss: " + std::to_string(c.done) + " done, " + std::to_string(c.running) +
         " running, " + std::to_string(c.pending) + " pending";
}

void ProgressLine::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!enabled_) {
      wake_.wait(lock, [this] { return stopping_ || enabled_; });
      continue;
    }
    // counts_ may take runtime locks: never call it while holding ours.
    lock.unlock();
    ProgressCounts c = counts_();
    lock.lock();
    if (stopping_ || !enabled_) continue;
    draw_locked(c);
    wake_.wait_for(lock, period_, [this] { return stopping_ || !enabled_; });
  }
}

void ProgressLine::draw_locked(const ProgressCounts& c) {
  std::string line = format(c);
  std::size_t width = line.size();
  // Blank out what a longer previous line left behind.
  if (drawn_ > line.size()) line.append(drawn_ - line.size(), ' ');
  std::fprintf(out_, "\r%s", line.c_str());
  std::fflush(out_);
  drawn_ = width;
}

void ProgressLine::erase_locked() {
  if (drawn_ == 0) return;
  std::fprintf(out_, "\r%s\r", std::string(drawn_, ' ').c_str());
  std::fflush(out_);
  drawn_ = 0;
}

}  // namespace compss::rt
