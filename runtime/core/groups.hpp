// Task groups in the runtime: membership, waiting, the first compss::Exception of a group,
// and cancellation. The public side is include/compss/task_group.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace compss::rt {

/// One open group. Counted references: the runtime's name table, the TaskGroup scope, each
/// member task (on its innermost group) and each nested group (on its parent).
struct GroupState {
  std::string name;
  GroupState* parent = nullptr;
  std::atomic<std::int32_t> refs{1};
  std::atomic<std::uint32_t> pending{0};  ///< unfinished tasks, nested groups' included
  std::atomic<std::uint32_t> waiters{0};
  std::atomic<bool> cancelled{false};

  std::mutex mutex;  // guards the fields below
  bool scope_open = true;
  bool has_exception = false;
  std::string message;  ///< the compss::Exception's what()
  std::string task;
  std::uint64_t task_id = 0;
  std::string cancel_reason;

  void add_ref() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept;
};

/// The group a task submitted on this thread now joins (null outside any group).
GroupState* current_group() noexcept;

/// A task joins `g` (and its enclosing groups).
void join_group(GroupState* g) noexcept;
/// A member task finished (ran, failed, was cancelled or timed out).
void leave_group(GroupState* g) noexcept;
/// True if `g` or a group enclosing it was cancelled.
bool group_cancelled(const GroupState* g) noexcept;
/// Why the group (or the enclosing group that was cancelled) was cancelled.
std::string group_cancel_reason(GroupState* g);
/// Cancels `g`: its tasks that have not started will not run.
void cancel_group_state(GroupState* g, const std::string& reason);
/// Records a compss::Exception thrown by a task of `g` (the first one is kept) and cancels
/// the group.
void raise_in_group(GroupState* g, const std::string& message, const std::string& task,
                    std::uint64_t task_id);

/// The runtime's table of open groups by name.
class GroupTable {
 public:
  GroupTable() = default;
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;
  ~GroupTable();

  /// Opens a group; throws compss::Error if one with that name is still open. Returns it
  /// with a reference for the caller.
  GroupState* open(std::string_view name, GroupState* parent);
  /// The open group with that name, with a reference for the caller, or null.
  GroupState* find(std::string_view name);
  /// Forgets `g` (after its barrier); its name may be used again.
  void close(GroupState* g);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, GroupState*> table_;
};

}  // namespace compss::rt
