// A map from task id to a value for the observers of observe/ (the task graph, the
// summary, the live timeline), made for the runtime's ids: they count from 1 in order of
// creation, so a vector indexed by id holds them with no allocation per task (the vector
// grows by doubling). An id far beyond those seen (an observer fed by hand) goes to a
// hash map instead, so memory stays bounded by about twice the ids seen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
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
    if (id < dense_.size()) return present_[id] ? &dense_[id] : nullptr;
    if (sparse_.empty()) return nullptr;
    auto it = sparse_.find(id);
    return it == sparse_.end() ? nullptr : &it->second;
  }
  /// Sets (or replaces) the value of `id`; returns it.
  V& set(std::uint64_t id, V value) {
    if (id >= dense_.size() && id <= dense_.size() * 2 + dense_slack) {
      const std::size_t size = std::max<std::size_t>(id + 1, dense_.size() * 2);
      dense_.resize(size);
      present_.resize(size, 0);
    }
    if (id < dense_.size()) {
      present_[id] = 1;
      return dense_[id] = std::move(value);
    }
    return sparse_[id] = std::move(value);
  }
  void erase(std::uint64_t id) {
    if (id < dense_.size()) present_[id] = 0;
    else if (!sparse_.empty()) sparse_.erase(id);
  }

 private:
  /// Ids up to this beyond twice the dense part extend it (runs start at 1).
  static constexpr std::size_t dense_slack = 1024;
  std::vector<V> dense_;
  std::vector<char> present_;
  std::unordered_map<std::uint64_t, V> sparse_;
};

}  // namespace compss::rt::observe
