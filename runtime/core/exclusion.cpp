#include "core/exclusion.hpp"
#include "core/task_executor.hpp"
#include "core/task_state.hpp"

#include <algorithm>

namespace compss::rt {

void add_exclusive(TaskBase* t, const std::shared_ptr<ExclusionToken>& token) {
  auto* set = static_cast<ExclusiveSet*>(task_state(t).exclusive);
  if (set == nullptr) {
    set = new ExclusiveSet();
    task_state(t).exclusive = set;
  }
  auto& v = set->tokens;
  auto at = std::lower_bound(v.begin(), v.end(), token,
                             [](const auto& a, const auto& b) { return a.get() < b.get(); });
  if (at != v.end() && at->get() == token.get()) return;  // two parameters, one datum
  v.insert(at, token);
}

bool try_enter(TaskBase* t) noexcept {
  auto* set = static_cast<ExclusiveSet*>(task_state(t).exclusive);
  while (set->held < set->tokens.size()) {
    ExclusionToken& k = *set->tokens[set->held];
    std::lock_guard lock(k.mutex);
    if (k.held) {
      k.parked.push_back(t);  // can't fail in practice; deque growth is the only allocation
      return false;
    }
    k.held = true;
    ++set->held;
  }
  return true;
}

void leave(TaskBase* t, TaskExecutor& executor) noexcept {
  auto* set = static_cast<ExclusiveSet*>(task_state(t).exclusive);
  task_state(t).exclusive = nullptr;
  for (std::size_t i = set->held; i-- > 0;) {
    ExclusionToken& k = *set->tokens[i];
    TaskBase* next = nullptr;
    {
      std::lock_guard lock(k.mutex);
      if (k.parked.empty()) {
        k.held = false;
      } else {
        // Hand the token over while still held, so no newcomer can take it in between.
        next = k.parked.front();
        k.parked.pop_front();
        ++static_cast<ExclusiveSet*>(task_state(next).exclusive)->held;
      }
    }
    if (next != nullptr) executor.spawn(next);
  }
  delete set;
}

}  // namespace compss::rt
