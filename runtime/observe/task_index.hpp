// A map from task id to a value for the observers of observe/ (the task graph, the
// summary, the live timeline), made for the runtime's ids: they count from 1 in order of
// creation and, for the summary and the live timeline, end roughly in that order. So the
// values sit in a ring (a window of consecutive ids starting at the oldest id still held):
// a new id extends the window at its end, and erasing the oldest ids drops them from its
// start. Memory is bounded by the span of ids held at once (the tasks in flight), not by
// all the ids seen, and there is no allocation per task (the ring grows by doubling). An
// id far beyond the window, or before it, goes to an ordered map instead; the window takes
// such entries over when it grows to cover them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace compss::rt::observe {

/// Thread-safety: none (its owner's lock guards it).
///
///   TaskIndex<std::uint32_t> type_of;
///   type_of.set(e.task_id, type);
///   if (const std::uint32_t* t = type_of.find(id)) ...
///   type_of.erase(id);
template <class V>
class TaskIndex {
 public:
  /// The value of `id`, or null when it has none.
  V* find(std::uint64_t id) {
    if (in_window(id)) {
      const std::size_t s = slot(id);
      return present_[s] ? &slots_[s] : nullptr;
    }
    if (far_.empty()) return nullptr;
    auto it = far_.find(id);
    return it == far_.end() ? nullptr : &it->second;
  }

  /// Sets (or replaces) the value of `id`; returns it.
  V& set(std::uint64_t id, V value) {
    if (count_ == 0 && (id < base_ || id - base_ > window_slack)) base_ = id;  // re-anchor
    if (!in_window(id) && id >= base_ && id - base_ <= slots_.size() * 2 + window_slack) {
      extend_to(id);
    }
    if (in_window(id)) {
      const std::size_t s = slot(id);
      present_[s] = 1;
      return slots_[s] = std::move(value);
    }
    return far_[id] = std::move(value);
  }

  void erase(std::uint64_t id) {
    if (!in_window(id)) {
      if (!far_.empty()) far_.erase(id);
      return;
    }
    const std::size_t s = slot(id);
    present_[s] = 0;
    slots_[s] = V{};
    // Drop the ended prefix so the window spans only the ids still held.
    while (count_ > 0 && !present_[head_]) {
      head_ = (head_ + 1) & (slots_.size() - 1);
      ++base_;
      --count_;
    }
  }

  /// How many values it has room for (ring slots + far entries): bounded by the ids held.
  std::size_t capacity() const noexcept { return slots_.size() + far_.size(); }

 private:
  /// Ids up to this beyond twice the ring extend the window (runs start at 1).
  static constexpr std::size_t window_slack = 1024;

  bool in_window(std::uint64_t id) const noexcept { return id >= base_ && id - base_ < count_; }
  std::size_t slot(std::uint64_t id) const noexcept {
    return (head_ + static_cast<std::size_t>(id - base_)) & (slots_.size() - 1);
  }

  /// Makes the window end at `id` (>= its end), growing the ring if needed, and takes over
  /// the far entries it now covers.
  void extend_to(std::uint64_t id) {
    const auto wanted = static_cast<std::size_t>(id - base_ + 1);
    if (wanted > slots_.size()) grow(wanted);
    const std::uint64_t old_end = base_ + count_;
    count_ = wanted;
    if (far_.empty()) return;
    for (auto it = far_.lower_bound(old_end); it != far_.end() && it->first <= id;) {
      const std::size_t s = slot(it->first);
      slots_[s] = std::move(it->second);
      present_[s] = 1;
      it = far_.erase(it);
    }
  }

  /// Reallocates the ring (a power of two >= `wanted`) with the window at its start.
  void grow(std::size_t wanted) {
    std::size_t size = std::max<std::size_t>(16, slots_.size() * 2);
    while (size < wanted) size *= 2;
    std::vector<V> slots(size);
    std::vector<char> present(size, 0);
    for (std::size_t i = 0; i < count_; ++i) {
      const std::size_t s = (head_ + i) & (slots_.size() - 1);
      slots[i] = std::move(slots_[s]);
      present[i] = present_[s];
    }
    slots_.swap(slots);
    present_.swap(present);
    head_ = 0;
  }

  std::vector<V> slots_;      ///< the ring; size a power of two (or 0)
  std::vector<char> present_; ///< per slot: holds a value
  std::size_t head_ = 0;      ///< the slot of id base_
  std::uint64_t base_ = 0;    ///< the window's first id
  std::size_t count_ = 0;     ///< the window spans ids [base_, base_ + count_)
  std::map<std::uint64_t, V> far_;  ///< ids outside the window
};

}  // namespace compss::rt::observe
