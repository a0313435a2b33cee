// UnansweredFiles (net/unanswered_files.hpp).
#include "net/unanswered_files.hpp"

#include "net/attempt_files.hpp"

#include <utility>

#include <unistd.h>

namespace compss::net {

void UnansweredFiles::sent(const void* key, const TaskRequest& request) {
  sent(key, attempt_files::private_paths_of(request));
}

void UnansweredFiles::sent(const void* key, std::vector<std::string> paths) {
  if (paths.empty()) return;
  std::lock_guard lock(mutex_);
  if (paths_.insert_or_assign(key, std::move(paths)).second) count_.fetch_add(1, std::memory_order_relaxed);
}

void UnansweredFiles::answered(const void* key) noexcept {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mutex_);
  if (paths_.erase(key) > 0) count_.fetch_sub(1, std::memory_order_relaxed);
}

void UnansweredFiles::remove_all() noexcept {
  std::lock_guard lock(mutex_);
  for (const auto& [key, paths] : paths_) {
    for (const std::string& path : paths) ::unlink(path.c_str());
  }
  paths_.clear();
  count_.store(0, std::memory_order_relaxed);
}

}  // namespace compss::net
