#include "stream/task_threads.hpp"

#include <utility>

namespace compss::stream {

void TaskThreads::start(std::function<void()> job) {
  std::vector<Running> ended;
  auto flag = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard lock(mutex_);
    for (auto it = running_.begin(); it != running_.end();) {
      if (it->ended->load(std::memory_order_acquire)) {
        ended.push_back(std::move(*it));
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
    running_.push_back({std::thread([job = std::move(job), flag] {
                          job();
                          flag->store(true, std::memory_order_release);
                        }),
                        flag});
  }
  for (Running& r : ended) r.thread.join();  // already returned: joins at once
}

bool TaskThreads::join_all() {
  bool any = false;
  for (;;) {
    std::vector<Running> taken;
    {
      std::lock_guard lock(mutex_);
      taken.swap(running_);
    }
    if (taken.empty()) return any;
    any = true;
    for (Running& r : taken) r.thread.join();
  }
}

std::size_t TaskThreads::count() {
  std::lock_guard lock(mutex_);
  return running_.size();
}

}  // namespace compss::stream
