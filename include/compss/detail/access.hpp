// What a parameter's direction means for its datum: does the task read the value it had
// before, does it make a new one. The one definition, for generated code (the worker's
// invoker) and the runtime alike; runtime/core/access.hpp builds on it for descriptors
// (collection elements, where a task may run).
#pragma once

#include <compss/detail/task_spec.hpp>

namespace compss::detail {

/// True when a task with this access needs the datum's current value: every direction
/// but `out` (concurrent and commutative tasks update the value they find).
constexpr bool reads(Direction d) noexcept { return d != Direction::out; }

/// True when a task with this access leaves a new value: `out`, `inout`, `concurrent`,
/// `commutative` (not `in` or `in_delete`).
constexpr bool writes(Direction d) noexcept {
  return d != Direction::in && d != Direction::in_delete;
}

/// True for the accesses whose tasks share one copy of the datum while they run:
/// `concurrent` tasks may run at once on it (their coherence needs shared memory),
/// `commutative` ones take turns on it (one exclusion token, held where they run).
constexpr bool shared_copy(Direction d) noexcept {
  return d == Direction::concurrent || d == Direction::commutative;
}

}  // namespace compss::detail
